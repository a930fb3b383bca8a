using System.Globalization;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Deprecation.Internal;

/// <summary>
/// What is done with each response's deprecation notice (<see cref="DeprecationFields"/>): counted, tagged on the
/// request's span, warned about once per client, method and route (<see cref="RouteTemplate"/>,
/// <see cref="DeprecationMemory"/>), and with <see cref="DeprecationOptions.FailAfterSunset"/> thrown for a response
/// past its sunset. Called for every hop by the redirect handler (whose frame it shares, so the path of a response
/// without a notice costs three header lookups and no allocation), or by <see cref="DeprecationHandler"/> when the
/// redirects are off.
/// </summary>
internal sealed class DeprecationObserver
{
    private readonly DeprecationOptions _options;
    private readonly DeprecationMemory _memory;
    private readonly TimeProvider _time;
    private readonly DeprecationMetrics _metrics;
    private readonly ILogger _logger;

    public DeprecationObserver(DeprecationOptions options, DeprecationMemory memory, TimeProvider time, DeprecationMetrics metrics, ILogger logger)
    {
        _options = options;
        _memory = memory;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The response, after its notice (if any) was acted on; throws <see cref="SunsetPassedException"/> past the sunset when asked to.</summary>
    public HttpResponseMessage Observe(HttpRequestMessage request, HttpResponseMessage response) =>
        DeprecationFields.Mentions(response) ? Act(request, response) : response;

    /// <summary>As <see cref="Observe(HttpRequestMessage, HttpResponseMessage)"/>, for a response already at hand in a method that hands back tasks: a throw becomes a faulted task.</summary>
    public Task<HttpResponseMessage> Observe(HttpRequestMessage request, Task<HttpResponseMessage> completed)
    {
        var response = completed.Result;
        if (!DeprecationFields.Mentions(response))
        {
            return completed;
        }

        try
        {
            return Task.FromResult(Act(request, response));
        }
        catch (SunsetPassedException ex)
        {
            return Task.FromException<HttpResponseMessage>(ex);
        }
    }

    private HttpResponseMessage Act(HttpRequestMessage request, HttpResponseMessage response)
    {
        var now = _time.GetUtcNow();
        if (DeprecationFields.Read(response, now) is not { } notice)
        {
            return response;
        }

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
