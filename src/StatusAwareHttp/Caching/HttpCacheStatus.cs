namespace StatusAwareHttp;

/// <summary>
/// What this library's HTTP cache did for one response, read from the cache's own member of the <c>Cache-Status</c>
/// response field (RFC 9211), as <see cref="HttpCacheResponseExtensions.GetCacheStatus"/> gives it. Each property is
/// one parameter of RFC 9211 §2; a parameter that is absent, or not of the type RFC 9211 gives it, reads as its default.
/// </summary>
/// <remarks>
/// A record (a class, not a struct): <see cref="HttpCacheResponseExtensions.GetCacheStatus"/> answers
/// <see langword="null"/> when no cache of ours answered, which reads naturally with a reference; the value holds
/// two strings and five other fields (more than the 16 bytes a struct should copy), is made only when asked for,
/// off the request path, and a class can gain members later without breaking callers. Value equality and
/// <c>with</c> come with the record.
/// </remarks>
public sealed record HttpCacheStatus
{
    /// <summary>Gets the name of the cache whose member this is (<see cref="CacheOptions.CacheName"/>). Default: empty.</summary>
    public string CacheName { get; init; } = string.Empty;

    /// <summary>
    /// Gets a value indicating whether the response was served from storage without going forward (<c>hit</c>, §2.1),
    /// fresh or, when <see cref="TimeToLive"/> is negative, stale. Default: <see langword="false"/>.
    /// </summary>
    public bool Hit { get; init; }

    /// <summary>
    /// Gets why the cache went forward to the origin (<c>fwd</c>, §2.2), or <see cref="HttpCacheForwardReason.None"/>
    /// when it did not (a hit, or a 504 the cache made alone for <c>only-if-cached</c>). Default:
    /// <see cref="HttpCacheForwardReason.None"/>.
    /// </summary>
    public HttpCacheForwardReason ForwardReason { get; init; }

    /// <summary>Gets a value indicating whether the cache went forward (<see cref="ForwardReason"/> is not <see cref="HttpCacheForwardReason.None"/>).</summary>
    public bool Forwarded => ForwardReason != HttpCacheForwardReason.None;

    /// <summary>
    /// Gets the status the next hop answered when the cache went forward (<c>fwd-status</c>, §2.3): 304 when a stored
    /// response was revalidated, which is then served with its own status. Default: <see langword="null"/> (absent,
    /// or not a three-digit status).
    /// </summary>
    public int? ForwardStatus { get; init; }

    /// <summary>
    /// Gets the response's remaining freshness (<c>ttl</c>, §2.4), in whole seconds, negative when it is stale. This
    /// library's cache writes it on a hit, and on a forwarded response that it stores, revalidated or served in the
    /// origin's place. Default: <see langword="null"/> (absent). A value past <see cref="TimeSpan"/>'s range reads as
    /// its maximum or minimum.
    /// </summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>
    /// Gets a value indicating whether the cache stored the response (<c>stored</c>, §2.5). This library's cache does
    /// not write it: a response is stored once its body has been read, after its headers went back. Default:
    /// <see langword="false"/>.
    /// </summary>
    public bool Stored { get; init; }

    /// <summary>
    /// Gets a value indicating whether the request was collapsed with another one (<c>collapsed</c>, §2.6): it shared the
    /// origin response of an identical request in flight. Default: <see langword="false"/>.
    /// </summary>
    public bool Collapsed { get; init; }

    /// <summary>Gets the cache key the cache used (<c>key</c>, §2.7), if it said. This library's cache does not write it. Default: <see langword="null"/>.</summary>
    public string? Key { get; init; }

    /// <summary>
    /// Gets the cache's own detail (<c>detail</c>, §2.8): from this library, the override that applied
    /// (<c>force-cache</c>, <c>only-if-cached</c>, <c>no-cache</c>, <c>reload</c>, <c>no-store</c>, <c>rule</c>,
    /// <c>offline</c>), <c>stale-if-error</c>, <c>too-large</c>, or the store's word. Default: <see langword="null"/>.
    /// </summary>
    public string? Detail { get; init; }
}
