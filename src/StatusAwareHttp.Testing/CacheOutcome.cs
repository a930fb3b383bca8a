namespace StatusAwareHttp.Testing;

/// <summary>
/// What this library's HTTP cache did for a response, in one word a test can compare: a summary of the
/// <see cref="HttpCacheStatus"/> that <see cref="HttpCacheResponseExtensions.GetCacheStatus"/> reads from <c>Cache-Status</c>.
/// </summary>
public enum CacheOutcome
{
    /// <summary>No cache of ours answered: the cache is off, or the request was not one it looks up (a POST, a caller's own conditional request).</summary>
    NotCached = 0,

    /// <summary>Served from storage, fresh, without going to the origin.</summary>
    Hit,

    /// <summary>Served from storage while stale, without waiting for the origin (<c>stale-while-revalidate</c>, <c>stale-if-error</c>, offline).</summary>
    StaleHit,

    /// <summary>Nothing usable was stored (<c>fwd=uri-miss</c>, <c>vary-miss</c>, <c>miss</c>, <c>partial</c>): the origin's answer was served.</summary>
    Miss,

    /// <summary>A stored response was validated and the origin answered 304 (<c>fwd-status=304</c>): the stored body was served.</summary>
    Revalidated,

    /// <summary>A stored response was stale or the request asked for a fresh one (<c>fwd=stale</c>, <c>request</c>), and the origin sent a new one.</summary>
    Refreshed,

    /// <summary>The cache went forward without looking (<c>fwd=bypass</c>, <c>method</c>, <c>other</c>).</summary>
    Bypassed,

    /// <summary>The cache answered alone without a stored response (a 504 for <c>only-if-cached</c>).</summary>
    Unavailable,
}

/// <summary>Reads a response's <see cref="CacheOutcome"/>.</summary>
public static class CacheOutcomeExtensions
{
    /// <summary>Gets what this library's HTTP cache did for the response.</summary>
    /// <param name="response">A response from a client with status handling.</param>
    /// <returns>The outcome; <see cref="CacheOutcome.NotCached"/> when no cache of ours answered.</returns>
    public static CacheOutcome GetCacheOutcome(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Summarize(response.GetCacheStatus());
    }

    /// <summary>Summarizes a cache status.</summary>
    /// <param name="status">The status, or <see langword="null"/>.</param>
    /// <returns>The outcome.</returns>
    public static CacheOutcome Summarize(HttpCacheStatus? status) => status switch
    {
        null => CacheOutcome.NotCached,
        { Hit: true, TimeToLive: { } ttl } when ttl < TimeSpan.Zero => CacheOutcome.StaleHit,
        { Hit: true } => CacheOutcome.Hit,
        { ForwardStatus: 304 } => CacheOutcome.Revalidated,
        { ForwardReason: HttpCacheForwardReason.UriMiss or HttpCacheForwardReason.VaryMiss or HttpCacheForwardReason.Miss or HttpCacheForwardReason.Partial } => CacheOutcome.Miss,
        { ForwardReason: HttpCacheForwardReason.Stale or HttpCacheForwardReason.Request } => CacheOutcome.Refreshed,
        { ForwardReason: HttpCacheForwardReason.None } => CacheOutcome.Unavailable,
        _ => CacheOutcome.Bypassed,
    };
}
