namespace StatusAwareHttp;

/// <summary>
/// Where the HTTP cache keeps its entries. Each key holds the stored responses (variants, RFC 9111 §4.1) of one
/// method, URI and credential partition; the cache picks among them by their <c>Vary</c> request headers.
/// </summary>
/// <remarks>
/// <para>
/// A client uses the store registered as a keyed singleton under its client name, when there is one:
/// <c>services.AddKeyedSingleton&lt;IHttpCacheStore&gt;("api", (sp, key) =&gt; new MyStore(...))</c>. Without one,
/// it gets an in-memory store of its own, bounded by <see cref="CacheOptions.MaxTotalBytes"/>.
/// </para>
/// <para>
/// Keys are opaque strings made by the cache: the method, the URI with its query, and, when the request carried
/// <c>Authorization</c>, <c>Proxy-Authorization</c> or <c>Cookie</c>, a SHA-256 hash of those values (never the values).
/// A store may hash or prefix them further. Entries are plain data (see <see cref="HttpCacheEntry"/>) that a store
/// can serialise. Removing a key removes every variant of it, which is how invalidation (§4.4) works.
/// </para>
/// <para>
/// The cache never lets a store failure reach the caller: an exception from a store call, or an entry that cannot be
/// read, is a miss and a warning in the log. Calls are made on the request path, so a remote store should time out
/// quickly on its own. Writes are last-writer-wins: two responses stored at once under one key may lose one variant,
/// which only costs a later miss.
/// </para>
/// </remarks>
public interface IHttpCacheStore
{
    /// <summary>Gets the variants stored under <paramref name="key"/>, or <see langword="null"/> when there are none.</summary>
    /// <param name="key">The cache key.</param>
    /// <param name="cancellationToken">Cancels the lookup (the caller's token).</param>
    /// <returns>The stored variants, most recent last, or <see langword="null"/>.</returns>
    ValueTask<IReadOnlyList<HttpCacheEntry>?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="entries"/> under <paramref name="key"/>, replacing whatever was stored there.</summary>
    /// <param name="key">The cache key.</param>
    /// <param name="entries">The variants to keep (at least one), most recent last.</param>
    /// <param name="timeToLive">
    /// How long the entries can still be used: past it none of them is fresh, none can be served stale, and none has a
    /// validator to revalidate with. <see langword="null"/> when some entry stays useful indefinitely (it has a validator);
    /// a store may still evict it whenever it needs room.
    /// </param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entries are stored.</returns>
    ValueTask SetAsync(string key, IReadOnlyList<HttpCacheEntry> entries, TimeSpan? timeToLive, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="key"/> and every variant stored under it; nothing happens when there is none.</summary>
    /// <param name="key">The cache key.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes when the key is removed.</returns>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Completes when the writes and removals this store took before the call are made where it keeps them (for
    /// <see cref="IHttpCache.FlushAsync"/>). A store that writes on the call itself, as the memory and distributed
    /// stores do, keeps this default, which completes at once; a store that writes in the background waits for it.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; what is queued is still written.</param>
    /// <returns>A task that completes when those writes are made.</returns>
    ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
