namespace StatusAwareHttp;

/// <summary>
/// What an <see cref="IHttpCacheStore"/> may implement besides, so that <see cref="IHttpCache"/> can list its entries,
/// remove them by URI or prefix (in every credential partition) and clear it. The memory store and the SQLite store
/// implement it; the distributed store cannot (<c>IDistributedCache</c> does not enumerate). A store of your own opts
/// in by implementing it on the same class.
/// </summary>
public interface IHttpCacheStoreInspection
{
    /// <summary>
    /// Gets every key the store holds now for this client (a snapshot; keys added or removed meanwhile may or may not
    /// be seen). Entries are then read with <see cref="IHttpCacheStore.GetAsync"/>, which a store may count as a use.
    /// </summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The keys, in no particular order.</returns>
    IAsyncEnumerable<string> GetKeysAsync(CancellationToken cancellationToken);

    /// <summary>Removes every key the store holds for this client.</summary>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes when the store is empty.</returns>
    ValueTask ClearAsync(CancellationToken cancellationToken);
}
