namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// One GET's cache context, from the lookup to the response: the request, its key and directives, the variants
/// stored under the key, and, when a stored response was found but cannot be used as it is, that response and the
/// decision made about it (the pair OkHttp's <c>CacheStrategy</c> hands its interceptor).
/// </summary>
/// <param name="Request">The caller's request.</param>
/// <param name="Uri">Its absolute URI.</param>
/// <param name="Key">The cache key (URI and credential partition).</param>
/// <param name="Directives">The request's Cache-Control directives.</param>
/// <param name="Variants">What the store holds under <paramref name="Key"/>, or null.</param>
/// <param name="Reason">Why the request goes forward (RFC 9211 <c>fwd</c>).</param>
/// <param name="Stale">The stored response the origin's answer replaces or is validated against, or null on a miss.</param>
/// <param name="Decision">The decision made about <paramref name="Stale"/>.</param>
/// <param name="CountMiss">Whether the lookup is still to be counted, once it is known whether it was a miss.</param>
/// <param name="Override">The application's overrides (request mode, offline switch, URL rule); default when none.</param>
internal readonly record struct CacheExchange(
    HttpRequestMessage Request,
    Uri Uri,
    string Key,
    CacheDirectives Directives,
    IReadOnlyList<HttpCacheEntry>? Variants = null,
    ForwardReason Reason = ForwardReason.UriMiss,
    HttpCacheEntry? Stale = null,
    LookupDecision Decision = default,
    bool CountMiss = false,
    CacheOverride Override = default);

/// <summary>What was sent for a <see cref="CacheExchange"/>: the request's fields as sent, when, and the in-flight entry it leads.</summary>
internal readonly record struct SentRequest(RequestSnapshot Snapshot, DateTimeOffset RequestTime, InFlightRequest? Flight);
