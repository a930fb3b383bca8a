namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The SQLite store's removal by tag (<see cref="IHttpCacheStoreTags"/>: a cache group, RFC 9875; the queries of a URI,
/// RFC 10008): the keys the file's index (<c>http_cache_tags</c>) files under the tag, whichever process stored them,
/// each removed as <see cref="IHttpCacheStore.RemoveAsync"/> removes a key (a tombstone that carries the time, so an
/// older write queued elsewhere does not bring it back). This process's queued writes are made first, so their keys
/// are found; the removals are written before it returns, so another process's next read of the file misses (its
/// front may still serve a copy for at most <see cref="SqliteHttpCacheOptions.MemoryFrontLifetime"/>).
/// </summary>
internal sealed partial class SqliteHttpCacheStore : IHttpCacheStoreTags
{
    public async ValueTask<int> RemoveTaggedAsync(string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tag);

        // Made whole even when the caller stops waiting: an invalidation follows a change the origin already made.
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        var keys = Run("remove by tag", session => session.KeysTagged(_clientName, tag), [], _closing.Token);
        foreach (var key in keys)
        {
            await RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
        }

        if (keys.Count > 0)
        {
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return keys.Count;
    }
}
