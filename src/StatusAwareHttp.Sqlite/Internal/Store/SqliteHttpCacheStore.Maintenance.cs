namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>The store's background maintenance: access times written in batches (eviction is in the writer's transactions).</summary>
internal sealed partial class SqliteHttpCacheStore
{
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

    /// <summary>Completes when the queued writes and the background work they started (access times) are done.</summary>
    internal async Task WhenIdle()
    {
        await FlushAsync().ConfigureAwait(false);
        for (var task = Volatile.Read(ref _backgroundTask); !task.IsCompleted; task = Volatile.Read(ref _backgroundTask))
        {
            await task.ConfigureAwait(false);
        }
    }

    private void Touch(string key)
    {
        _touched[key] = _time.GetUtcNow().UtcTicks;
        if (Interlocked.Increment(ref _touches) >= TouchFlushCount)
        {
            StartBackground();
        }
    }

    private void StartBackground()
    {
        if (Volatile.Read(ref _disposed) || Interlocked.CompareExchange(ref _background, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _backgroundTask, Task.Run(RunBackground));
    }

    private void RunBackground()
    {
        try
        {
            FlushTouches(_closing.Token);
        }
        finally
        {
            Volatile.Write(ref _background, 0);
        }
    }

    private void FlushTouches(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _touches, 0);
        if (_touched.IsEmpty)
        {
            return;
        }

        var batch = new List<KeyValuePair<string, long>>();
        foreach (var touch in _touched)
        {
            // A key whose write is still queued keeps its access time for a later flush: the row is not there yet.
            if (_writes.Find(touch.Key) is null && _touched.TryRemove(touch))
            {
                batch.Add(touch);
            }
        }

        Run("record access", session => session.Touch(_clientName, batch), cancellationToken);
    }
}
