namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The store's recency: reads are recorded in memory only, never written on their own. The writer writes them in its
/// own transaction just before it evicts (so the least recently used are chosen with this process's reads known), and
/// the store writes them once at its close (so the next process knows them).
/// </summary>
/// <remarks>
/// The order kept is least recently used, where a key is used when it is stored, revalidated or read. A read made in
/// this process counts in the file once this process evicts or closes; until then another process's eviction sees the
/// key's last write. At most <see cref="MaxRecordedReads"/> keys are recorded between two such writes: a key read after
/// that keeps its last recorded use until it is read again.
/// </remarks>
internal sealed partial class SqliteHttpCacheStore
{
    /// <summary>The most keys whose reads are held in memory until the writer or the close writes them.</summary>
    internal const int MaxRecordedReads = 16 * 1024;

    private int _touchedKeys;

    /// <summary>Writes the recorded access times on the calling thread, after the queued writes (tests).</summary>
    internal void RunMaintenance()
    {
        FlushAsync().AsTask().GetAwaiter().GetResult();
        FlushTouches(_closing.Token);
    }

    /// <summary>Gets the bytes the file accounts for (all clients on it, tombstones included), or -1 when it cannot be read.</summary>
    internal long TotalBytes()
    {
        FlushAsync().AsTask().GetAwaiter().GetResult();
        return Run("read", session => session.Total(), -1L, _closing.Token);
    }

    /// <summary>Completes when the queued writes are in the file (reads start no background work).</summary>
    internal Task WhenIdle() => FlushAsync().AsTask();

    /// <summary>
    /// Records a read in memory: a dictionary store, no write, no background work. The keys are counted here, never
    /// by <c>ConcurrentDictionary.Count</c>, which takes every one of its locks (up to 1,024 once it has grown).
    /// </summary>
    private void Touch(string key)
    {
        var ticks = _time.GetUtcNow().UtcTicks;
        if (_touched.TryGetValue(key, out _))
        {
            _touched[key] = ticks;
        }
        else if (Volatile.Read(ref _touchedKeys) < MaxRecordedReads && _touched.TryAdd(key, ticks))
        {
            Interlocked.Increment(ref _touchedKeys);
        }
    }

    /// <summary>Forgets the read of a key written or removed now (its row gets the write's time).</summary>
    private void ForgetRead(string key)
    {
        if (_touched.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref _touchedKeys);
        }
    }

    /// <summary>The recorded reads, taken out (a key whose write is still queued keeps its: the row is not there yet).</summary>
    private List<KeyValuePair<string, long>> TakeTouches()
    {
        var batch = new List<KeyValuePair<string, long>>(Math.Max(0, Volatile.Read(ref _touchedKeys)));
        foreach (var touch in _touched)
        {
            if (_writes.Find(touch.Key) is null && _touched.TryRemove(touch))
            {
                Interlocked.Decrement(ref _touchedKeys);
                batch.Add(touch);
            }
        }

        return batch;
    }

    /// <summary>Writes the recorded reads in one transaction (at the close, and for tests).</summary>
    private void FlushTouches(CancellationToken cancellationToken)
    {
        if (_touched.IsEmpty)
        {
            return;
        }

        var batch = TakeTouches();
        if (batch.Count > 0)
        {
            Run("record access", session => session.Touch(_clientName, batch), cancellationToken);
        }
    }
}
