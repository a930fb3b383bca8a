namespace StatusAwareHttp;

/// <summary>
/// How one request uses the HTTP cache, with the meaning of the Fetch standard's <c>RequestCache</c> modes. Set it with
/// <see cref="HttpCacheRequestExtensions.SetCacheMode"/>; a request without one uses <see cref="Default"/>.
/// </summary>
/// <remarks>
/// Modes apply to GET requests (the only ones the cache answers). Each mode other than <see cref="Default"/> shows in
/// the response's <c>Cache-Status</c> as <c>detail=</c> its Fetch name (for example <c>detail=force-cache</c>). The
/// cache adds no request header for a mode: the request goes to the origin as the caller made it.
/// </remarks>
public enum HttpCacheMode
{
    /// <summary>RFC 9111 as is: a fresh stored response is served, a stale one revalidated, a miss fetched and stored.</summary>
    Default = 0,

    /// <summary>The cache is not used at all: nothing is looked up, the response is not stored, nothing stored is changed.</summary>
    NoStore = 1,

    /// <summary>Nothing stored is used: the request goes to the origin without conditions, and its response is stored.</summary>
    Reload = 2,

    /// <summary>A stored response is always validated with the origin first (a conditional request), even when fresh.</summary>
    NoCache = 3,

    /// <summary>
    /// A stored response that matches is served whatever its age (stale, <c>no-cache</c> or <c>must-revalidate</c>
    /// included) without contacting the origin; on a miss the request goes to the origin and its response is stored.
    /// </summary>
    ForceCache = 4,

    /// <summary>
    /// As <see cref="ForceCache"/>, but a miss never goes to the origin: the cache answers <c>504 Gateway Timeout</c>
    /// (RFC 9111 §5.2.1.7). The Fetch standard answers a network error there; a 504 is what HTTP's own
    /// <c>only-if-cached</c> gives.
    /// </summary>
    OnlyIfCached = 5,
}
