using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// Which way a request goes through the cache (RFC 9111 §4, §4.4): a GET is looked up, and so is a query (RFC 10008
/// §2.7: a QUERY, or a POST the application marked as one) by its content; a HEAD may freshen what is stored, an
/// unsafe method invalidates, anything else (and a caller's own conditional or range GET or QUERY) passes through.
/// </summary>
internal sealed partial class CachingHandler
{
    private enum Route
    {
        PassThrough,
        Get,
        Head,
        Unsafe,
        Query,
    }

    /// <summary>The way of <paramref name="request"/>, and its absolute URI (null for a request that passes through).</summary>
    private Route Classify(HttpRequestMessage request, out Uri? uri)
    {
        uri = request.RequestUri;
        var method = request.Method;
        if (uri is not { IsAbsoluteUri: true })
        {
            uri = null;
            return Route.PassThrough;
        }

        if (method == HttpMethod.Get)
        {
            // §4.3.2 is the origin's business: a caller's own conditional (or range) request passes through untouched.
            return CacheHeaders.IsConditionalOrRange(request.Headers) ? Route.PassThrough : Route.Get;
        }

        if (method == HttpMethod.Head)
        {
            return Route.Head;
        }

        if (method == HttpMethod.Post && _context.Rules.Match(uri) is { PostIsQuery: true } && !QueryRequests.HasMark(request))
        {
            // A URL rule makes this POST a query: marked on the request, so the retries inside treat it as one too.
            QueryRequests.Mark(request, isQuery: true);
        }

        if (QueryRequests.IsQuery(request))
        {
            // RFC 10008 §2: safe, so it never invalidates (RFC 9111 §4.4); §2.6: a caller's conditional QUERY is the origin's.
            return CacheHeaders.IsConditionalOrRange(request.Headers) ? Route.PassThrough : Route.Query;
        }

        return CacheStrategy.IsSafe(method) ? Route.PassThrough : Route.Unsafe;
    }

    private async Task<HttpResponseMessage> SendHeadAsync(HttpRequestMessage request, Uri uri, bool async, CancellationToken cancellationToken)
    {
        var requestTime = _context.Time.GetUtcNow();
        var response = await SendInner(request, async, cancellationToken).ConfigureAwait(false);
        await _invalidation.AfterHeadAsync(request, uri, response, requestTime).ConfigureAwait(false);
        return response;
    }

    private async Task<HttpResponseMessage> SendUnsafeAsync(HttpRequestMessage request, Uri uri, bool async, CancellationToken cancellationToken)
    {
        var response = await SendInner(request, async, cancellationToken).ConfigureAwait(false);
        await _invalidation.AfterUnsafeAsync(request, uri, response).ConfigureAwait(false);
        return response;
    }
}
