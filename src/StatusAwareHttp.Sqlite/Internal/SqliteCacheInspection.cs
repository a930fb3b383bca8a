using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The SQLite store's side of <see cref="IHttpCache"/>: the keys this client holds in the file (one query, a snapshot, after the queued writes are made),
/// and clearing them (each key removed as <see cref="IHttpCacheStore.RemoveAsync"/> removes it, so the front and the
/// file's byte total follow). Failures are handled as every other call of the store: a file that cannot be read lists
/// nothing.
/// </summary>
internal sealed partial class SqliteHttpCacheStore : IHttpCacheStoreInspection
{
    public async IAsyncEnumerable<string> GetKeysAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // What the background writer still holds is written first, so the list has every key this process stored.
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        var keys = Run("list", session => SqliteCacheInspection.Keys(session.Connection, _clientName), new List<string>(), _closing.Token);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }
    }

    public async ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        await foreach (var key in GetKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            await RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>The queries of <see cref="SqliteHttpCacheStore"/>'s inspection.</summary>
internal static class SqliteCacheInspection
{
    /// <summary>The keys of <paramref name="partition"/> (the client name) in the file.</summary>
    public static List<string> Keys(SqliteConnection connection, string partition)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key FROM http_cache_keys WHERE partition = $p AND removed = 0";
        command.Parameters.AddWithValue("$p", partition);
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}
