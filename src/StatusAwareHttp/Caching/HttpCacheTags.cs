using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp;

/// <summary>
/// The tags under which a store that implements <see cref="IHttpCacheStoreTags"/> files a key: one per cache group of
/// its responses (RFC 9875 §2.1: the group's name and the origin of the key's URI, <c>group https://host:port name</c>),
/// and, for a query's key (a <c>QUERY</c>, or a <c>POST</c> marked as a query), its URI (<c>uri https://host/path?q</c>),
/// whose entries an unsafe request to that URI invalidates (RFC 9111 §4.4). Tags are opaque strings for a store; they
/// hold no credential and no query content.
/// </summary>
public static class HttpCacheTags
{
    /// <summary>Gets the tags of <paramref name="key"/> holding <paramref name="entries"/>; empty for most keys (a GET without groups).</summary>
    /// <param name="key">A key as the cache makes them.</param>
    /// <param name="entries">The variants stored under it.</param>
    /// <returns>The tags, each once, in no particular order.</returns>
    public static IReadOnlyList<string> For(string key, IReadOnlyList<HttpCacheEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(entries);
        return CacheTags.For(key, entries);
    }
}
