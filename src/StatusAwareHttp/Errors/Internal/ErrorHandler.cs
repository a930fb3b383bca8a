using System.Net;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Errors.Internal;

/// <summary>
/// Innermost handler, next to the primary handler: sends a request that HTTP/2 or HTTP/3 answered 505 once more as
/// HTTP/1.1 (when the caller's version policy allows a lower version and the body can be re-sent), gives 204 and 205
/// empty content, and attaches the client's error options to error responses for <c>EnsureStatusAsync</c>.
/// </summary>
internal sealed class ErrorHandler : DelegatingHandler
{
    private readonly ErrorContext _context;

    public ErrorHandler(ErrorContext context)
    {
        _context = context;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendCoreAsync(request, async: true, cancellationToken);

    /// <summary><see cref="HttpClient.Send(HttpRequestMessage)"/>: the same fallback and empty content, sent synchronously.</summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SyncPath.Result(SendCoreAsync(request, async: false, cancellationToken));

    private Task<HttpResponseMessage> Next(HttpRequestMessage request, bool async, CancellationToken cancellationToken) =>
        async ? base.SendAsync(request, cancellationToken) : Task.FromResult(base.Send(request, cancellationToken));

    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, bool async, CancellationToken cancellationToken)
    {
        var response = await Next(request, async, cancellationToken).ConfigureAwait(false);

        if (_context.Options.FallBackToHttp11On505 && HttpStatusRules.IsVersionNotSupported((int)response.StatusCode))
        {
            response = await FallBackAsync(request, response, async, cancellationToken).ConfigureAwait(false);
        }

        var status = (int)response.StatusCode;
        if (status >= 400)
        {
            _context.AttachTo(request);
        }
        else if (NoContentPolicy.MustEmptyContent(response.StatusCode, response.Content))
        {
            EmptyContent(request, response);
        }

        return response;
    }

    private async Task<HttpResponseMessage> FallBackAsync(HttpRequestMessage request, HttpResponseMessage response, bool async, CancellationToken cancellationToken)
    {
        var decision = VersionFallbackPolicy.Decide(response.StatusCode, request.Version, request.VersionPolicy, response.Version, request.Content);
        var version = $"{response.Version.Major}";
        switch (decision)
        {
            case VersionFallbackDecision.FallBack:
                Log.VersionFallback(_context.Logger, request.Method.Method, UriRedaction.Redact(request.RequestUri), version);
                _context.Metrics?.VersionFallback("resent");
                response.Dispose();
                cancellationToken.ThrowIfCancellationRequested();

                // The request stays HTTP/1.1 from here on (also for later redirect hops): the server said it needs it.
                request.Version = HttpVersion.Version11;
                return await Next(request, async, cancellationToken).ConfigureAwait(false);
            case VersionFallbackDecision.BodyNotResendable:
                Log.VersionFallbackBodyNotResendable(_context.Logger, request.Method.Method, UriRedaction.Redact(request.RequestUri), version);
                _context.Metrics?.VersionFallback("body_not_resendable");
                return response;
            default:
                return response;
        }
    }

    private void EmptyContent(HttpRequestMessage request, HttpResponseMessage response)
    {
        var old = response.Content;
        var empty = new ByteArrayContent([]);
        if (old is not null)
        {
            foreach (var header in old.Headers.NonValidated)
            {
                if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    empty.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            // The unread body goes with the old content (the primary handler drains or closes the connection).
            old.Dispose();
        }

        response.Content = empty;
        Log.EmptiedContent(_context.Logger, (int)response.StatusCode, UriRedaction.Redact(request.RequestUri));
    }
}
