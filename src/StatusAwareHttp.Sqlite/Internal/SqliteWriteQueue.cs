using Polly;
using Polly.Timeout;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The SQLite store's writes and removals waiting for the file, and the one writer that makes them: a bounded queue in
/// first-enqueued order that reads of this process look into (the overlay), so a response stored a moment ago is
/// served, and a key removed a moment ago is not, before the file has them.
/// </summary>
/// <remarks>
/// <para>
/// One pending operation per key: a newer one replaces the older in its place (by the time each carries, see
/// <see cref="SqliteWriteOrder"/>: a removal wins over a write of an older response, a write over an older removal; an
/// operation older than the one pending is dropped), so repeated writes of one key never grow the queue. The writer
/// takes up to <see cref="MaxBatch"/> operations, and at most the batch's bytes, from the front and hands them to the
/// store as one batch (one transaction); they leave the overlay once the batch is done, written or failed. A key
/// replaced while its older operation is being written waits for the next batch, so the file gets the newer one last.
/// </para>
/// <para>
/// Bounded by bytes and by count, both counting the batch being written. When a new key does not fit, the caller
/// waits until the writer has made room (its write is then about as slow as a direct write): memory stays bounded and
/// nothing queued is dropped. An operation is always admitted into an empty queue, whatever its size.
/// </para>
/// </remarks>
internal sealed class SqliteWriteQueue
{
    /// <summary>Operations written in one transaction at most.</summary>
    public const int MaxBatch = 256;

    private readonly Dictionary<string, SqlitePendingWrite> _pending = new(StringComparer.Ordinal);
    private readonly LinkedList<SqlitePendingWrite> _order = new();
    private readonly Lock _lock = new();
    private readonly long _maxBytes;
    private readonly int _maxCount;
    private readonly long _batchBytes;
    private readonly Action<IReadOnlyList<SqlitePendingWrite>> _writeBatch;
    private readonly Action<Exception> _failed;
    private TaskCompletionSource _progress = NewProgress();
    private long _bytes;
    private int _count;
    private long _enqueued;
    private long _done;
    private bool _writing;
    private bool _closed;

    /// <param name="maxBytes">The most bytes pending (an operation larger than it is admitted into an empty queue).</param>
    /// <param name="maxCount">The most operations pending.</param>
    /// <param name="batchBytes">The most bytes of one batch (a larger operation goes alone).</param>
    /// <param name="writeBatch">Writes one batch in one transaction; handles its own failures.</param>
    /// <param name="failed">Told of an exception <paramref name="writeBatch"/> let through; the batch counts as done.</param>
    public SqliteWriteQueue(long maxBytes, int maxCount, long batchBytes, Action<IReadOnlyList<SqlitePendingWrite>> writeBatch, Action<Exception> failed)
    {
        _maxBytes = maxBytes;
        _maxCount = maxCount;
        _batchBytes = batchBytes;
        _writeBatch = writeBatch;
        _failed = failed;
    }

    /// <summary>Gets the operations pending now (the batch being written included).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets the bytes pending now (the batch being written included).</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The newest operation pending for <paramref name="key"/>, if any (a removal has no entries).</summary>
    public SqlitePendingWrite? Find(string key)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return null;
        }

        lock (_lock)
        {
            return _pending.GetValueOrDefault(key);
        }
    }

    /// <summary>
    /// Queues <paramref name="write"/>, waiting for room when the queue is full; completes at once when it fits.
    /// After <see cref="Close"/>, the operation is dropped.
    /// </summary>
    public ValueTask EnqueueAsync(SqlitePendingWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        Task wait;
        lock (_lock)
        {
            if (TryAddLocked(write, out var startWriter))
            {
                if (startWriter)
                {
                    _ = Task.Run(Drain, CancellationToken.None);
                }

                return ValueTask.CompletedTask;
            }

            wait = _progress.Task;
        }

        return WaitAndEnqueueAsync(write, wait, cancellationToken);
    }

    /// <summary>
    /// Completes when every operation queued before the call has been handed to the file (written, or failed and
    /// logged), or when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        long target;
        lock (_lock)
        {
            target = _enqueued;
        }

        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_done >= target || _count == 0)
                {
                    return;
                }

                wait = _progress.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The bound of a flush at disposal (a Polly timeout on <paramref name="time"/>); <see langword="null"/> for a
    /// timeout too short to wait at all (under Polly's least, 10 ms).
    /// </summary>
    public static ResiliencePipeline? Timeout(TimeSpan timeout, TimeProvider time) =>
        timeout < TimeSpan.FromMilliseconds(10) ? null : new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(timeout).Build();

    /// <summary>
    /// Stops admitting operations (for disposal, after the last flush) and drops those not yet handed to the writer;
    /// returns how many were dropped. The batch being written, if any, is finished.
    /// </summary>
    public int Close()
    {
        TaskCompletionSource progress;
        int dropped;
        lock (_lock)
        {
            _closed = true;
            dropped = _order.Count;
            foreach (var write in _order)
            {
                write.Node = null;
                _pending.Remove(write.Key);
                _bytes -= write.Size;
                _count--;
            }

            _order.Clear();
            _done = _enqueued;
            progress = _progress;
            _progress = NewProgress();
        }

        progress.TrySetResult();
        return dropped;
    }

    /// <summary>Completes when the writer is idle (nothing being written); for disposal, after <see cref="Close"/>.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (!_writing)
                {
                    return;
                }

                wait = _progress.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewProgress() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async ValueTask WaitAndEnqueueAsync(SqlitePendingWrite write, Task wait, CancellationToken cancellationToken)
    {
        while (true)
        {
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (TryAddLocked(write, out var startWriter))
                {
                    if (startWriter)
                    {
                        _ = Task.Run(Drain, CancellationToken.None);
                    }

                    return;
                }

                wait = _progress.Task;
            }
        }
    }

    /// <summary>Adds or replaces in place when it fits; <see langword="false"/> when the caller must wait for room.</summary>
    private bool TryAddLocked(SqlitePendingWrite write, out bool startWriter)
    {
        startWriter = false;
        if (_closed)
        {
            return true;
        }

        // An operation older than the one pending for the key (queued, or being written) has lost already.
        var pending = _pending.GetValueOrDefault(write.Key);
        if (pending is not null && !SqliteWriteOrder.Replaces(write.Variants is null, write.Time, pending.Time, pending.Variants is null))
        {
            return true;
        }

        // A replacement in the queue takes the older one's place: no new slot, only the difference in bytes.
        var queued = pending is { Node: { } n } ? n : null;
        var addedCount = queued is null ? 1 : 0;
        var addedBytes = write.Size - (queued?.Value.Size ?? 0);
        if (_count > 0 && (_count + addedCount > _maxCount || _bytes + addedBytes > _maxBytes) && !(addedCount == 0 && addedBytes <= 0))
        {
            return false;
        }

        if (queued is not null)
        {
            write.Sequence = queued.Value.Sequence;
            queued.Value.Node = null;
            queued.Value = write;
            write.Node = queued;
        }
        else
        {
            write.Sequence = ++_enqueued;
            write.Node = _order.AddLast(write);
        }

        _pending[write.Key] = write;
        _bytes += addedBytes;
        _count += addedCount;
        if (!_writing)
        {
            _writing = true;
            startWriter = true;
        }

        return true;
    }

    private void Drain()
    {
        while (true)
        {
            List<SqlitePendingWrite> batch;
            TaskCompletionSource? idle = null;
            lock (_lock)
            {
                if (_order.First is null)
                {
                    // Emptied by Close meanwhile.
                    _writing = false;
                    idle = _progress;
                    _progress = NewProgress();
                }
            }

            if (idle is not null)
            {
                idle.TrySetResult();
                return;
            }

            lock (_lock)
            {

                batch = new List<SqlitePendingWrite>(Math.Min(_order.Count, MaxBatch));
                long bytes = 0;
                while (batch.Count < MaxBatch && _order.First is { } first && (batch.Count == 0 || bytes + first.Value.EntryBytes <= _batchBytes))
                {
                    _order.RemoveFirst();
                    first.Value.Node = null;
                    bytes += first.Value.EntryBytes;
                    batch.Add(first.Value);
                }
            }

            try
            {
                _writeBatch(batch);
            }
            catch (Exception ex)
            {
                // The store handles the file's failures; anything else must not stop the writer or hang a flush.
                _failed(ex);
            }

            TaskCompletionSource done;
            bool more;
            lock (_lock)
            {
                foreach (var write in batch)
                {
                    if (_pending.TryGetValue(write.Key, out var current) && ReferenceEquals(current, write))
                    {
                        _pending.Remove(write.Key);
                    }

                    _bytes -= write.Size;
                    _count--;
                }

                _done = Math.Max(_done, batch[^1].Sequence);

                // Idle as soon as nothing is left, in the same lock: a write queued after it starts a new writer.
                more = _order.First is not null;
                _writing = more;
                done = _progress;
                _progress = NewProgress();
            }

            done.TrySetResult();
            if (!more)
            {
                return;
            }
        }
    }
}
