using System.Globalization;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Deprecation.Internal;

/// <summary>
/// Reads each response's deprecation notice (<see cref="DeprecationFields"/>): counts it, tags the request's span,
/// warns once per client, method and route (<see cref="RouteTemplate"/>, <see cref="DeprecationMemory"/>), and with
/// <see cref="DeprecationOptions.FailAfterSunset"/> throws for a response past its sunset. A response without any of
/// the fields passes at the cost of three header lookups.
/// </summary>
/// <remarks>
/// Sits inside the redirects and outside the authentication and the cache (see docs/deprecation.md): every redirect
/// hop is seen under its own route (a deprecated v1 URI that redirects to v2 is the one named), a stored response is
/// judged against the clock of the request that reads it (its sunset may have passed since it was stored), and an
/// answered 401 counts once.
/// </remarks>
internal sealed class DeprecationHandler : DelegatingHandler
{
    private readonly DeprecationOptions _options;
    private readonly DeprecationMemory _memory;
    private readonly TimeProvider _time;
    private readonly DeprecationMetrics _metrics;
    private readonly ILogger _logger;

    public DeprecationHandler(DeprecationOptions options, DeprecationMemory memory, TimeProvider time, DeprecationMetrics metrics, ILogger logger)
    {
        _options = options;
        _memory = memory;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var task = base.SendAsync(request, cancellationToken);
        if (!task.IsCompletedSuccessfully)
        {
            return ObserveAsync(request, task);
        }

        var response = task.Result;
        return DeprecationFields.Mentions(response) ? Task.FromResult(Observe(request, response)) : task;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = base.Send(request, cancellationToken);
        return DeprecationFields.Mentions(response) ? Observe(request, response) : response;
    }

    private async Task<HttpResponseMessage> ObserveAsync(HttpRequestMessage request, Task<HttpResponseMessage> pending)
    {
        var response = await pending.ConfigureAwait(false);
        return DeprecationFields.Mentions(response) ? Observe(request, response) : response;
    }

    private HttpResponseMessage Observe(HttpRequestMessage request, HttpResponseMessage response)
    {
        if (DeprecationFields.Read(response) is not { } notice)
        {
            return response;
        }

        var now = _time.GetUtcNow();
        var sunsetPassed = notice.SunsetDate <= now;
        var method = request.Method.Method;
        _metrics.Seen(method, sunsetPassed);
        StatusAwareTracing.Deprecation(notice);

        var route = RouteTemplate.Of(request.RequestUri);
        if (_logger.IsEnabled(LogLevel.Warning) && _memory.FirstTime(string.Concat(method, " ", route)))
        {
            Log.Deprecated(
                _logger,
                method,
                route,
                Date(notice.DeprecationDate),
                Date(notice.SunsetDate),
                Links(notice.DeprecationLinks),
                Links(notice.SunsetLinks),
                Links(notice.SuccessorVersionLinks));
            if (notice.SunsetBeforeDeprecation)
            {
                Log.SunsetBeforeDeprecation(_logger, method, route, Date(notice.SunsetDate), Date(notice.DeprecationDate));
            }
        }

        if (sunsetPassed && _options.FailAfterSunset)
        {
            Log.SunsetPassed(_logger, method, route, Date(notice.SunsetDate));
            var status = response.StatusCode;
            response.Dispose();
            throw new SunsetPassedException(notice, request.RequestUri, now, status);
        }

        return response;
    }

    internal static string Date(DateTimeOffset? date) => date?.ToString("u", CultureInfo.InvariantCulture) ?? "none";

    /// <summary>The links for a log line, each without its query (<see cref="UriRedaction"/>).</summary>
    internal static string Links(IReadOnlyList<Uri> links) => links.Count == 0 ? "none" : string.Join(" ", links.Select(UriRedaction.Redact));
}
