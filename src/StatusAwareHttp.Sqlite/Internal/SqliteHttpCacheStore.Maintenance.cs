using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Caching.Sqlite.Internal;

/// <summary>The store's background maintenance: access times written in batches, eviction by bytes in batches.</summary>
internal sealed partial class SqliteHttpCacheStore
{
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
            FlushTouches();
            if (Interlocked.Exchange(ref _evictionWanted, 0) == 1)
            {
                Evict();
            }
        }
        finally
        {
            Volatile.Write(ref _background, 0);
        }

        if (Volatile.Read(ref _evictionWanted) == 1)
        {
            StartBackground();
        }
    }

    private void FlushTouches()
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

        Run("record access", session => session.Touch(_clientName, batch));
    }

    private void Evict()
    {
        var target = _maxTotalBytes / 10 * 9;
        var evicted = 0;
        int batch;
        do
        {
            // One short transaction per batch: other writers (and processes) get the lock in between.
            batch = Run("evict", session => session.EvictBatch(_time.GetUtcNow().UtcTicks, target, EvictionBatch), 0);
            evicted += batch;
        }
        while (batch > 0 && !Volatile.Read(ref _disposed));

        if (evicted > 0)
        {
            Log.Evicted(_logger, evicted, _clientName, TotalBytes(), _maxTotalBytes);
        }
    }
}
