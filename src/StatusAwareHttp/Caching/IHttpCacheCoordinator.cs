namespace StatusAwareHttp;

/// <summary>
/// Coordinates the misses of one client across the instances of a farm that share one cache store: before a storable
/// miss goes to the origin, the instance asks for the key's lease; the instance that gets it fetches, the others wait
/// for it and then look the shared store up again. Register one as a keyed singleton under the client name (the Redis
/// package's <c>UseRedisCoordination</c> does); without one, each instance decides alone.
/// </summary>
/// <remarks>
/// An implementation must never fail a request and never wait without a bound: when it cannot coordinate (its server is
/// slow or gone) it answers <see cref="HttpCacheLeaseOutcome.Alone"/>, and the request goes to the origin as it would
/// without coordination. The cache asks only for the GETs it may collapse (not for <c>no-cache</c>, <c>no-store</c> or
/// <c>max-age=0</c> requests, nor for keys whose last answer could not be stored), once per key and instance: identical
/// misses within one instance wait on its own leader first.
/// </remarks>
public interface IHttpCacheCoordinator
{
    /// <summary>
    /// Takes the farm-wide lease on <paramref name="key"/>, or waits (a bounded time) for the instance that holds it to
    /// release it.
    /// </summary>
    /// <param name="key">The cache key (method, URI and the cache's own parts; may be long: hash it for the server).</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>
    /// <see cref="HttpCacheLeaseOutcome.Acquired"/> with a lease the cache releases once the response is stored (or
    /// was not storable); <see cref="HttpCacheLeaseOutcome.Released"/> when the holder released or lost it while this
    /// instance waited (the cache looks the store up again, and asks again when it finds nothing);
    /// <see cref="HttpCacheLeaseOutcome.Alone"/> when there is no coordination to be had (the request goes on alone).
    /// </returns>
    ValueTask<HttpCacheLease> AcquireAsync(string key, CancellationToken cancellationToken);
}
