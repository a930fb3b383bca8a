using Microsoft.Extensions.Logging;
using StatusAwareHttp.Deprecation.Internal;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Redirects.Internal;

/// <summary>
/// Follows 301, 302, 303, 307 and 308 by the rules of <see cref="RedirectPolicy"/>. The loop does the I/O:
/// it disposes every response it drops, rewrites the one request message hop by hop (so the caller's
/// <c>response.RequestMessage.RequestUri</c> is the last URI), and records the hops on it.
/// </summary>
internal sealed class RedirectHandler : DelegatingHandler
{
    private readonly RedirectOptions _options;
    private readonly RedirectMetrics _metrics;
    private readonly ILogger _logger;

    private readonly string[] _sensitiveHeaders;
    private readonly DeprecationObserver? _deprecation;
    private readonly long _maxQueryContentBytes;

    /// <param name="options">The redirect rules.</param>
    /// <param name="metrics">The redirect counters.</param>
    /// <param name="logger">The redirect log.</param>
    /// <param name="sensitiveHeaders">The credential headers dropped across origins.</param>
    /// <param name="deprecation">What each hop's deprecation notice is handed to, before the hop is decided (see <see cref="DeprecationObserver"/>), or null.</param>
    /// <param name="maxQueryContentBytes">The most bytes of a query's one-shot content read once so that a redirect can repeat it.</param>
    public RedirectHandler(RedirectOptions options, RedirectMetrics metrics, ILogger logger, IEnumerable<string>? sensitiveHeaders = null, DeprecationObserver? deprecation = null, long maxQueryContentBytes = 64 * 1024)
    {
        _deprecation = deprecation;
        _maxQueryContentBytes = maxQueryContentBytes;
        _sensitiveHeaders = sensitiveHeaders is null ? StatusAwareHttp.Internal.SensitiveHeaderNames.Defaults : [.. sensitiveHeaders];
        _options = options;
        _metrics = metrics;
        _logger = logger;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (NeedsQueryContent(request))
        {
            return SendQueryAsync(request, async: true, cancellationToken);
        }

        // A response already there that is no redirect (a cache hit) goes back as the inner task: no state machine.
        var first = base.SendAsync(request, cancellationToken);
        if (first.IsCompletedSuccessfully && !RedirectPolicy.IsFollowedStatus(first.Result.StatusCode))
        {
            return _deprecation is null ? first : _deprecation.Observe(request, first);
        }

        return SendCoreAsync(request, first, async: true, cancellationToken);
    }

    /// <summary><see cref="HttpClient.Send(HttpRequestMessage)"/>: the same loop, each hop sent synchronously.</summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        NeedsQueryContent(request)
            ? SyncPath.Result(SendQueryAsync(request, async: false, cancellationToken))
            : SyncPath.Result(SendCoreAsync(request, Task.FromResult(base.Send(request, cancellationToken)), async: false, cancellationToken));

    /// <summary>
    /// RFC 10008 §2.5: a 301, 302, 307 or 308 to a query repeats it with its content; a one-shot stream is read once for
    /// that, within <c>Cache.MaxQueryContentBytes</c> (beyond it, or of unknown length, the 3xx is handed back).
    /// </summary>
    private static bool NeedsQueryContent(HttpRequestMessage request) => QueryRequests.IsQuery(request) && !RequestBody.CanResend(request.Content);

    private async Task<HttpResponseMessage> SendQueryAsync(HttpRequestMessage request, bool async, CancellationToken cancellationToken)
    {
        var content = await QueryContent.ReadAsync(request, _maxQueryContentBytes, async, cancellationToken).ConfigureAwait(false);
        try
        {
            return await SendCoreAsync(request, Next(request, async, cancellationToken), async, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The caller's content object goes back on the request (unless a 303 dropped the content).
            content.Restore(request);
        }
    }

    private Task<HttpResponseMessage> Next(HttpRequestMessage request, bool async, CancellationToken cancellationToken) =>
        async ? base.SendAsync(request, cancellationToken) : Task.FromResult(base.Send(request, cancellationToken));

    /// <summary>One loop for both paths: with <paramref name="async"/> false every call below completes synchronously.</summary>
    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, Task<HttpResponseMessage> first, bool async, CancellationToken cancellationToken)
    {
        var response = await first.ConfigureAwait(false);
        response = _deprecation?.Observe(request, response) ?? response;
        if (!RedirectPolicy.IsFollowedStatus(response.StatusCode) || request.RequestUri is not { IsAbsoluteUri: true } originalUri)
        {
            return response;
        }

        var hops = new List<RedirectHop>();
        var edges = new HashSet<RedirectHop>();
        var credentialsDropped = false;

        while (true)
        {
            var current = request.RequestUri!;
            var decision = RedirectPolicy.Decide(request.Method, response.StatusCode, current, response.Headers.Location, request.Content, _options.AllowHttpsToHttp);
            if (!decision.Follow)
            {
                return HandBack(request, response, decision.Refusal, current, hops, target: null);
            }

            var target = decision.Target!;
            var hop = new RedirectHop(current, response.StatusCode, request.Method, target);
            hops.Add(hop);

            if (!edges.Add(hop))
            {
                // The same URI answered the same status to the same place before: following it again cannot end.
                throw Stop(response, RedirectRefusal.Loop, new RedirectLoopException(hops));
            }

            if (hops.Count > _options.MaxRedirects)
            {
                throw Stop(response, RedirectRefusal.Limit, new RedirectLimitExceededException(_options.MaxRedirects, hops));
            }

            if (_options.ShouldFollow is { } shouldFollow
                && !shouldFollow(new RedirectContext(current, target, response.StatusCode, request.Method, decision.Method!, hops.Count)))
            {
                hops.RemoveAt(hops.Count - 1);
                return HandBack(request, response, RedirectRefusal.Vetoed, current, hops, target);
            }

            Log.Following(_logger, (int)response.StatusCode, UriRedaction.Redact(current), UriRedaction.Redact(target), decision.Method!.Method, hops.Count);
            _metrics.Followed((int)response.StatusCode);
            StatusAwareTracing.RedirectFollowed((int)response.StatusCode, target, hops.Count);

            // The dropped response goes back to the pool (its unread body is drained by the primary handler).
            response.Dispose();

            PrepareNextHop(request, decision, originalUri, ref credentialsDropped);
            cancellationToken.ThrowIfCancellationRequested();

            response = await Next(request, async, cancellationToken).ConfigureAwait(false);
            response = _deprecation?.Observe(request, response) ?? response;
            if (!RedirectPolicy.IsFollowedStatus(response.StatusCode))
            {
                request.Options.Set(RedirectResponseExtensions.HopsKey, hops);
                return response;
            }
        }
    }

    private void PrepareNextHop(HttpRequestMessage request, RedirectDecision decision, Uri originalUri, ref bool credentialsDropped)
    {
        var target = decision.Target!;
        if (decision.DropBody)
        {
            // §15.4: a request changed to GET has no content, so no Content-* fields and no Transfer-Encoding.
            request.Content = null;
            request.Headers.TransferEncodingChunked = null;
            request.Headers.Remove("Transfer-Encoding");
        }

        request.Method = decision.Method!;

        // Conditions the library added (the cache's validators) belong to the old URI.
        StatusAwareRequestOptions.RemoveLibraryAdded(request);

        if (!credentialsDropped && !UriOrigin.IsSameOrigin(originalUri, target))
        {
            foreach (var name in RedirectPolicy.CredentialHeaders(_sensitiveHeaders))
            {
                request.Headers.Remove(name);
            }

            credentialsDropped = true;
            Log.CredentialsDropped(_logger, UriRedaction.Redact(originalUri), UriRedaction.Redact(target));
        }

        request.RequestUri = target;
    }

    private HttpResponseMessage HandBack(HttpRequestMessage request, HttpResponseMessage response, RedirectRefusal refusal, Uri current, List<RedirectHop> hops, Uri? target)
    {
        var status = (int)response.StatusCode;
        switch (refusal)
        {
            case RedirectRefusal.HttpsToHttp:
                Log.HttpsToHttpRefused(_logger, status, UriRedaction.Redact(current), UriRedaction.Redact(RedirectPolicy.ResolveLocation(current, response.Headers.Location)));
                break;
            case RedirectRefusal.BodyNotResendable:
                Log.BodyNotResendable(_logger, status, UriRedaction.Redact(current));
                break;
            case RedirectRefusal.NoUsableLocation:
                Log.NoUsableLocation(_logger, status, UriRedaction.Redact(current));
                break;
            case RedirectRefusal.Vetoed:
                Log.Vetoed(_logger, status, UriRedaction.Redact(current), UriRedaction.Redact(target));
                break;
        }

        if (refusal != RedirectRefusal.NotFollowedStatus)
        {
            _metrics.Refused(refusal);
        }

        request.Options.Set(RedirectResponseExtensions.HopsKey, hops);
        return response;
    }

    private RedirectException Stop(HttpResponseMessage response, RedirectRefusal refusal, RedirectException exception)
    {
        response.Dispose();
        _metrics.Refused(refusal);
        Log.ChainStopped(_logger, exception.Hops.Count, RedirectMetrics.ReasonName(refusal));
        return exception;
    }
}
