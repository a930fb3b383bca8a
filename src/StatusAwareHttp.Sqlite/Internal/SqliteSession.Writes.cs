using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>What one write transaction did: the file's total after it, the operations that lost to newer ones, the keys evicted.</summary>
/// <remarks><see cref="PagesWritten"/> is SQLite's own count of the pages the transaction wrote (<c>SQLITE_DBSTATUS_CACHE_WRITE</c>).</remarks>
internal readonly record struct SqliteBatchOutcome(long TotalBytes, List<SqlitePendingWrite>? Lost, int Evicted, long PagesWritten = 0);

/// <summary>
/// The session's writes: a batch of writes and removals ordered by their times (<see cref="SqliteWriteOrder"/>), with
/// the eviction that keeps the entries within <c>MaxTotalBytes</c> and the free pages given back, in the same
/// transaction; the access times; the shrinking at disposal.
/// </summary>
internal sealed partial class SqliteSession
{
    /// <summary>Keys looked at per eviction query.</summary>
    public const int EvictionBatch = 64;

    /// <summary>
    /// Makes a batch of writes and removals in one transaction, in order, each only when it is newer than what its key
    /// holds (a removal leaves a tombstone that carries its time). Room is made first (the expired, then the least
    /// recently used, down to 90% of <paramref name="maxTotalBytes"/> less what the batch brings), so the entries never
    /// pass <paramref name="maxTotalBytes"/> at a commit; free pages past <paramref name="freeBytes"/> are given back. When
    /// it must evict, the reads recorded in memory (<paramref name="takeReads"/>) are written first, in this transaction.
    /// </summary>
    public SqliteBatchOutcome WriteBatch(
        string partition,
        IReadOnlyList<SqlitePendingWrite> batch,
        long maxTotalBytes,
        long freeBytes,
        long nowTicks,
        Func<List<KeyValuePair<string, long>>>? takeReads = null)
    {
        Begin();
        TakePagesWritten();
        try
        {
            long incoming = 0;
            foreach (var write in batch)
            {
                incoming += write.EntryBytes;
            }

            var target = maxTotalBytes / 10 * 9;
            var evicted = 0;
            if (Total() + incoming > maxTotalBytes)
            {
                WriteReads(partition, takeReads);
                evicted = EvictTo(target - incoming, nowTicks);
            }

            List<SqlitePendingWrite>? lost = null;
            foreach (var write in batch)
            {
                if (!Apply(partition, write))
                {
                    (lost ??= []).Add(write);
                }
            }

            // Replaced rows may have been smaller than their new ones: the bound holds at the commit whatever came.
            if (Total() > maxTotalBytes)
            {
                WriteReads(partition, takeReads);
                evicted += EvictTo(target, nowTicks);
            }

            var total = Total();
            GiveBackFreePages(freeBytes);
            Commit();
            return new SqliteBatchOutcome(total, lost, evicted, TakePagesWritten());
        }
        catch
        {
            Rollback();
            throw;
        }
    }

    /// <summary>Records when keys were last read, in one transaction.</summary>
    public void Touch(string partition, IEnumerable<KeyValuePair<string, long>> touched)
    {
        Begin();
        try
        {
            SetLastAccess(partition, touched);
            Commit();
        }
        catch
        {
            Rollback();
            throw;
        }
    }

    /// <summary>The pages this connection wrote to the file (its WAL) since the last call: SQLite's own counter, reset.</summary>
    private long TakePagesWritten()
    {
        SQLitePCL.raw.sqlite3_db_status(Connection.Handle!, SQLitePCL.raw.SQLITE_DBSTATUS_CACHE_WRITE, out var pages, out _, 1);
        return pages;
    }

    /// <summary>Writes the reads recorded in memory into this transaction (only when it evicts: a read alone never writes).</summary>
    private void WriteReads(string partition, Func<List<KeyValuePair<string, long>>>? takeReads)
    {
        if (takeReads?.Invoke() is { Count: > 0 } reads)
        {
            SetLastAccess(partition, reads);
        }
    }

    private void SetLastAccess(string partition, IEnumerable<KeyValuePair<string, long>> touched)
    {
        _touch.Parameters[0].Value = partition;
        foreach (var (key, ticks) in touched)
        {
            _touch.Parameters[1].Value = key;
            _touch.Parameters[2].Value = ticks;
            _touch.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Evicts in this transaction until the total is at most <paramref name="goalBytes"/>: first what can no longer be
    /// used (expired entries, tombstones past their lifetime), then the least recently used. Returns the keys evicted.
    /// </summary>
    public int EvictTo(long goalBytes, long nowTicks)
    {
        var evicted = 0;
        var ids = new List<long>(EvictionBatch);
        while (Total() is var total && total > goalBytes)
        {
            ids.Clear();
            using (var expired = Command(
                "SELECT id FROM http_cache_keys WHERE expires IS NOT NULL AND expires <= $now ORDER BY expires LIMIT $n",
                ("$now", nowTicks), ("$n", EvictionBatch)))
            {
                using var reader = expired.ExecuteReader();
                while (reader.Read())
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            if (ids.Count == 0)
            {
                // Least recently used first; the row id (insertion order) breaks ties.
                using var oldest = Command("SELECT id, size FROM http_cache_keys ORDER BY last_access, id LIMIT $n", ("$n", EvictionBatch));
                using var reader = oldest.ExecuteReader();
                var excess = total - goalBytes;
                while (excess > 0 && reader.Read())
                {
                    ids.Add(reader.GetInt64(0));
                    excess -= reader.GetInt64(1);
                }
            }

            if (ids.Count == 0)
            {
                break;
            }

            foreach (var id in ids)
            {
                _deleteKey.Parameters[0].Value = id;
                _deleteKey.ExecuteNonQuery();
            }

            evicted += ids.Count;
        }

        return evicted;
    }

    /// <summary>Gives every free page back to the file system, in one transaction (at disposal, and when asked).</summary>
    public void Shrink()
    {
        Begin();
        try
        {
            GiveBackFreePages(0);
            Commit();
        }
        catch
        {
            Rollback();
            throw;
        }
    }

    /// <summary>
    /// Copies the WAL into the database and truncates it to nothing (<c>wal_checkpoint(TRUNCATE)</c>), waiting at most
    /// <see cref="SqliteFileBounds.BusySlice"/> for other connections to finish with it; <see langword="false"/> when
    /// they did not (the next try does it).
    /// </summary>
    public bool TruncateWal()
    {
        using var command = Command("PRAGMA wal_checkpoint(TRUNCATE)");
        using var reader = command.ExecuteReader();
        return reader.Read() && reader.GetInt64(0) == 0;
    }

    /// <summary>Returns the free pages to the file system (incremental vacuum) when they are more than <paramref name="keepBytes"/>.</summary>
    private void GiveBackFreePages(long keepBytes)
    {
        using var count = Command("PRAGMA freelist_count");
        if ((long)count.ExecuteScalar()! * SqliteFileBounds.PageBytes > keepBytes)
        {
            using var vacuum = Command("PRAGMA incremental_vacuum");
            vacuum.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Makes one write or removal when it is newer than what the key holds; <see langword="false"/> when it lost. A
    /// write over a live key keeps the key's row and each variant whose body is unchanged (a 304's update, another
    /// variant of the key): their rows get the new header fields and times, their bodies are not written again.
    /// </summary>
    private bool Apply(string partition, SqlitePendingWrite write)
    {
        _findKey.Parameters[0].Value = partition;
        _findKey.Parameters[1].Value = write.Key;
        long? id = null;
        var live = false;
        using (var reader = _findKey.ExecuteReader())
        {
            if (reader.Read())
            {
                if (!SqliteWriteOrder.Replaces(write.Variants is null, write.Time, reader.GetInt64(1), reader.GetInt64(2) != 0))
                {
                    return false;
                }

                id = reader.GetInt64(0);
                live = reader.GetInt64(2) == 0;
            }
        }

        if (id is { } kept && live && write.Variants is { } variants)
        {
            UpdateInPlace(kept, write, variants);
            Tag(kept, write.Tags, replace: true);
            return true;
        }

        if (id is { } existing)
        {
            _deleteKey.Parameters[0].Value = existing;
            _deleteKey.ExecuteNonQuery();
        }

        var p = _insertKey.Parameters;
        p[0].Value = partition;
        p[1].Value = write.Key;
        p[2].Value = write.ExpiresTicks is { } e ? e : DBNull.Value;
        p[3].Value = write.NowTicks;
        p[4].Value = write.EntryBytes;
        p[5].Value = write.Time;
        p[6].Value = write.Variants is null ? 1 : 0;
        var keyId = (long)_insertKey.ExecuteScalar()!;
        var inserted = write.Variants ?? [];
        for (var i = 0; i < inserted.Length; i++)
        {
            if (Loadable(inserted[i]))
            {
                InsertVariant(keyId, i, inserted[i]);
            }
        }

        Tag(keyId, write.Tags, replace: false);
        return true;
    }

    /// <summary>
    /// Writes <paramref name="variants"/> over the live key <paramref name="keyId"/>: a stored variant whose body is
    /// byte for byte the new one's keeps its body row (only its row is updated), the others are replaced.
    /// </summary>
    private void UpdateInPlace(long keyId, SqlitePendingWrite write, EncodedVariant[] variants)
    {
        List<(long Id, long Length, int Position, bool Apart, byte[]? Digest)> stored = [];
        _variantsOfKey.Parameters[0].Value = keyId;
        using (var reader = _variantsOfKey.ExecuteReader())
        {
            while (reader.Read())
            {
                stored.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetInt64(3) != 0, reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4)));
            }
        }

        for (var i = 0; i < variants.Length; i++)
        {
            var length = variants[i].Entry.Body.Length;

            // A body read from this file and never loaded (a 304's update of a large entry) is the stored one whose
            // digest it carries: matched without reading either.
            var match = MemoryMarshal.TryGetMemoryManager<byte, SqliteDeferredBody>(variants[i].Entry.Body, out var deferred)
                ? stored.FindIndex(v => v.Length == length && v.Digest is { } d && d.AsSpan().SequenceEqual(deferred.Digest))
                : -1;
            if (match < 0 && !Loadable(variants[i]))
            {
                continue;
            }

            match = match >= 0 ? match : stored.FindIndex(v => v.Length == length);
            while (match >= 0 && !BodyEquals(stored[match].Id, stored[match].Apart, variants[i].Entry.Body.Span))
            {
                match = match + 1 < stored.Count ? stored.FindIndex(match + 1, v => v.Length == length) : -1;
            }

            if (match < 0)
            {
                InsertVariant(keyId, i, variants[i]);
                continue;
            }

            UpdateVariant(stored[match].Id, i, stored[match].Position, variants[i]);
            stored.RemoveAt(match);
        }

        foreach (var (gone, _, _, _, _) in stored)
        {
            _deleteVariant.Parameters[0].Value = gone;
            _deleteVariant.ExecuteNonQuery();
        }

        var p = _updateKey.Parameters;
        p[0].Value = keyId;
        p[1].Value = write.ExpiresTicks is { } e ? e : DBNull.Value;
        p[2].Value = write.NowTicks;
        p[3].Value = write.EntryBytes;
        p[4].Value = write.Time;
        _updateKey.ExecuteNonQuery();
    }

    /// <summary>Whether the variant's body can be written: a deferred one is loaded first (false when it cannot be read: the variant is dropped).</summary>
    private static bool Loadable(EncodedVariant variant) =>
        !MemoryMarshal.TryGetMemoryManager<byte, HttpCacheDeferredBody>(variant.Entry.Body, out var deferred) || deferred.TryLoad();

    private SqliteCommand Command(string sql, params (string Name, long Value)[] parameters)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
