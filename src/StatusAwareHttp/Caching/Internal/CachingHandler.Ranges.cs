namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// A <c>Range</c> GET (RFC 9110 §14.2, with <c>If-Range</c> §13.1.5 and no other precondition): answered from a usable
/// stored 200 as <see cref="RangeRequests"/> decides (one range as a 206, the whole response, or a 416), else passed
/// to the origin as it came. The cache stores no 206 and makes no range request of its own.
/// </summary>
internal sealed partial class CachingHandler
{
    private async Task<HttpResponseMessage> SendRangeAsync(HttpRequestMessage request, Uri uri, bool async, CancellationToken cancellationToken)
    {
        var over = OverrideOf(request, uri);
        if (over.Mode != HttpCacheMode.Default || !CacheHeaders.TryReadRange(request.Headers, out var range, out var ifRange))
        {
            // A request mode or the offline switch keeps its meaning for range requests: they pass through as before.
            return RefuseOffline(request) ?? await SendInner(request, async, cancellationToken).ConfigureAwait(false);
        }

        var lookup = new CacheLookup(request, uri, CacheHeaders.ReadRequestDirectives(request.Headers), over);
        var key = _context.Keys.ForGet(uri, request.Headers);
        var variants = await _variants.ReadAsync(key, uri, cancellationToken).ConfigureAwait(false);
        var entry = _variants.Select(key, uri, ref variants, request.Headers);
        if (entry is not null)
        {
            var now = _context.Time.GetUtcNow();
            var decision = CacheStrategy.Decide(entry, lookup.Directives, now, _context.Heuristic);
            if (decision.Action is LookupAction.Fresh or LookupAction.ServeStale)
            {
                var fields = entry.Parsed;
                var answer = RangeRequests.Decide(range, ifRange, entry.StatusCode, fields.ETag, fields.LastModified, fields.Date, entry.Body.Length, now);
                switch (answer.Action)
                {
                    case RangeAction.Whole:
                        return ServeHit(lookup, entry, decision);
                    case RangeAction.Partial:
                    case RangeAction.Unsatisfiable:
                        return _answers.RangeHit(entry, request, uri, decision, answer);
                }
            }
        }

        // §5.2.1.7: only-if-cached never goes forward.
        return lookup.Directives.OnlyIfCached
            ? _answers.OnlyIfCachedMiss(request, uri)
            : await SendInner(request, async, cancellationToken).ConfigureAwait(false);
    }
}
