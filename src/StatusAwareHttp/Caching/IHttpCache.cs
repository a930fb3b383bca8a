namespace StatusAwareHttp;

/// <summary>
/// One client's HTTP cache, seen from the application: list and purge what is stored, and switch it offline. Get it
/// from DI as a keyed service under the client name (<c>sp.GetRequiredKeyedService&lt;IHttpCache&gt;("api")</c>), or
/// from <see cref="StatusAwareHttpHandler.Cache"/> without DI.
/// </summary>
/// <remarks>
/// Listing, removal by prefix and clearing need a store that implements <see cref="IHttpCacheStoreInspection"/> (the
/// memory and SQLite stores do): see <see cref="CanEnumerate"/>. Without it (the distributed store), these throw
/// <see cref="NotSupportedException"/>, and <see cref="RemoveAsync"/> removes only what was stored for requests without
/// sensitive headers (the keys of credential partitions hold a hash the cache cannot rebuild).
/// </remarks>
public interface IHttpCache
{
    /// <summary>Gets the name of the client this cache belongs to.</summary>
    string ClientName { get; }

    /// <summary>
    /// Gets a value indicating whether the store can list its keys (it implements <see cref="IHttpCacheStoreInspection"/>):
    /// when <see langword="false"/>, <see cref="GetEntriesAsync"/>, <see cref="RemoveByPrefixAsync"/> and
    /// <see cref="ClearAsync"/> throw <see cref="NotSupportedException"/>.
    /// </summary>
    bool CanEnumerate { get; }

    /// <summary>
    /// Gets or sets a value indicating whether the client is offline: every request is answered from storage as with
    /// <see cref="HttpCacheMode.OnlyIfCached"/> (a stored response of any age; otherwise a 504), and none reaches the
    /// network, whatever its method. Responses show <c>detail=offline</c> in <c>Cache-Status</c>. Takes effect at the
    /// next request; lasts until set back or the application stops. Default: <see langword="false"/>.
    /// </summary>
    bool Offline { get; set; }

    /// <summary>Lists what is stored, one item per key.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The entries, in no particular order.</returns>
    /// <exception cref="NotSupportedException">The store cannot list its keys (<see cref="CanEnumerate"/> is <see langword="false"/>).</exception>
    IAsyncEnumerable<HttpCacheEntryInfo> GetEntriesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes what is stored for <paramref name="uri"/> (keyed as requests are: without fragment, without
    /// <see cref="CacheOptions.IgnoredQueryParameters"/>), in every credential partition when <see cref="CanEnumerate"/>,
    /// else in the partition of requests without sensitive headers.
    /// </summary>
    /// <param name="uri">An absolute URI.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>The number of keys removed, or -1 when the store cannot tell (it cannot enumerate).</returns>
    ValueTask<int> RemoveAsync(Uri uri, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes every key whose URI starts with <paramref name="uriPrefix"/>, compared case-sensitively with the absolute
    /// URI as the cache keys it (for example <c>https://api.example.com/v1/</c>; the scheme and host are lower case).
    /// </summary>
    /// <param name="uriPrefix">The start of the URIs to remove.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>The number of keys removed.</returns>
    /// <exception cref="NotSupportedException">The store cannot list its keys.</exception>
    ValueTask<int> RemoveByPrefixAsync(string uriPrefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// Invalidates the cache group <paramref name="group"/> of <paramref name="origin"/> (RFC 9875): every stored
    /// response of that origin whose <c>Cache-Groups</c> named it, in every credential partition, as a
    /// <c>Cache-Group-Invalidation</c> from the origin would. Responses grouped with them otherwise stay (no cascade).
    /// </summary>
    /// <param name="origin">An absolute URI; only its scheme, host and port are used (<c>https://api.example.com</c>).</param>
    /// <param name="group">The group's name, compared character by character (case-sensitive).</param>
    /// <param name="cancellationToken">Stops waiting; the invalidation is still made.</param>
    /// <returns>
    /// The number of keys removed, or -1 when the store cannot tell (the distributed store marks the group instead:
    /// every instance stops serving its responses within <c>MemoryFrontLifetime</c>).
    /// </returns>
    /// <exception cref="NotSupportedException">The store does not implement <see cref="IHttpCacheStoreTags"/>.</exception>
    ValueTask<int> InvalidateGroupAsync(Uri origin, string group, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes when the writes and removals the store took before the call are where it keeps them: for the SQLite
    /// store, when those it queued for its background writer are in the file (or failed, with a warning), so another
    /// process or the next start sees them. The memory and distributed stores write on the call itself: it completes
    /// at once. An app need not call it before it exits (the SQLite store writes its queue within
    /// <c>FlushTimeout</c> when disposed or when the process exits); it is for an app that wants to be sure at a
    /// point of its choosing, such as before it hands the file to another program.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; what is queued is still written.</param>
    /// <returns>A task that completes when those writes are made.</returns>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes everything stored for this client.</summary>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes when the store is empty.</returns>
    /// <exception cref="NotSupportedException">The store cannot list its keys.</exception>
    ValueTask ClearAsync(CancellationToken cancellationToken = default);
}
