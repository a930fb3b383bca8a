namespace StatusAwareHttp;

/// <summary>
/// What an <see cref="IHttpCacheStore"/> may implement besides, so that responses can be removed by what they share
/// rather than by key: the cache groups of an origin (RFC 9875) and the queries of a URI (RFC 10008, which an unsafe
/// request to the URI invalidates, RFC 9111 §4.4). A store files each key under the tags <see cref="HttpCacheTags.For"/>
/// gives for it when it stores the key. The memory, SQLite and distributed stores implement it; without it, a store's
/// entries are still removed by key, and <see cref="IHttpCache.InvalidateGroupAsync"/> throws
/// <see cref="NotSupportedException"/>.
/// </summary>
public interface IHttpCacheStoreTags
{
    /// <summary>
    /// Removes, or makes unservable from now on, every key stored under <paramref name="tag"/> (in every credential
    /// partition). What is stored under it afterwards is kept. Like a removal by key, it is made even when the caller
    /// stops waiting.
    /// </summary>
    /// <param name="tag">A tag as <see cref="HttpCacheTags"/> makes them.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The number of keys removed, or -1 when the store cannot count them (it marks the tag instead).</returns>
    ValueTask<int> RemoveTaggedAsync(string tag, CancellationToken cancellationToken);
}
