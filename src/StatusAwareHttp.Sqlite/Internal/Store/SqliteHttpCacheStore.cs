using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Polly;
using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// One client's HTTP cache store in a SQLite file, with a small in-memory front.
/// </summary>
/// <remarks>
/// <para>
/// Reads look in the front, then in the writes not yet made (<see cref="SqliteWriteQueue"/>), then in the file. Writes
/// and removals go to the front at once and to the file through the queue: a background writer makes them in batches,
/// each one transaction (WAL), so a process killed mid-write leaves the previous entry. The times of each exchange
/// are stored, so the cache computes <c>Age</c> and freshness after a restart as it would have before (RFC 9111
/// §4.2.3). Writes and removals carry a time (<see cref="SqliteWriteOrder"/>): the newer wins, in the queue and in
/// the file, whichever process wrote last.
/// </para>
/// <para>
/// No call throws but for the caller's cancellation: a lock held by another process past the busy timeout (and a few
/// retries) is a miss or a write not made; a damaged or foreign file is moved aside and a new one made; any other
/// failure (a read-only or full disk) that repeats on an immediate retry opens the file's circuit
/// (<see cref="SqliteFileCircuit"/>, Polly's breaker): the file is bypassed for
/// <see cref="SqliteHttpCacheOptions.BypassDuration"/>, with a warning, and the request goes to the origin. Reads are recorded in memory only: the writer writes them in its
/// transaction before it evicts, and the close writes the rest (<c>SqliteHttpCacheStore.Maintenance.cs</c>), so a read
/// never causes a write; eviction runs in the writer's transactions, never on a request. Disposal and process exit are in
/// <c>SqliteHttpCacheStore.Lifetime.cs</c>, the file's calls in <c>SqliteHttpCacheStore.FileAccess.cs</c>.
/// </para>
/// </remarks>
internal sealed partial class SqliteHttpCacheStore : IHttpCacheStore, IDisposable, IAsyncDisposable
{
    /// <summary>The detail added to <c>Cache-Status</c> on a hit whose entry was read from the file.</summary>
    public const string DiskDetail = "disk";

    private readonly string _clientName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FrontCache? _front;
    private readonly SqliteWriteQueue _writes;
    private readonly ResiliencePipeline? _closeTimeout;
    private readonly ResiliencePipeline _busy;
    private readonly CancellationTokenSource _closing = new();
    private readonly TimeSpan _bypassDuration;
    private readonly TimeSpan _frontLifetime;
    private readonly long _maxTotalBytes;
    private readonly long _maxEntryBytes;
    private readonly long _freeBytes;
    private readonly Action<SqliteConnection>? _configure;
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, long> _touched = new(StringComparer.Ordinal);
    private readonly SqliteFileCircuit _circuit;
    private SqliteCacheFile? _file;
    private long _bypassedUntilTicks;
    private bool _disposed;
    private long _pagesWritten;

    public SqliteHttpCacheStore(string clientName, string path, SqliteHttpCacheOptions options, TimeProvider time, ILogger logger)
    {
        _clientName = clientName;
        Path = path;
        _time = time;
        _logger = logger;
        _bypassDuration = options.BypassDuration;
        _frontLifetime = options.MemoryFrontLifetime;
        _maxTotalBytes = options.MaxTotalBytes;
        _maxEntryBytes = Math.Min(options.MaxEntryBytes, options.MaxTotalBytes); // a larger setting counts as the total
        _freeBytes = SqliteFileBounds.FreeBytes(options.MaxTotalBytes);
        _configure = options.ConfigureConnection;
        _front = options.MemoryFrontLifetime > TimeSpan.Zero ? new FrontCache(options.MemoryFrontMaxBytes, time) : null;
        _writes = new SqliteWriteQueue(
            options.MaxPendingWriteBytes,
            options.MaxPendingWrites,
            SqliteFileBounds.BatchBytes(options.MaxTotalBytes),
            WriteBatch,
            ex => Log.WriterFailed(_logger, ex, _clientName));
        _closeTimeout = SqliteWriteQueue.Timeout(options.FlushTimeout, time);
        _busy = SqliteBusyRetry.Create(options.BusyTimeout);
        _circuit = new SqliteFileCircuit(time, options.BypassDuration, OnCircuitOpened, () => Log.Recovered(_logger, Path, _clientName));

        // Most console apps never dispose their service provider: what is queued is written at process exit too.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Gets the file's path.</summary>
    public string Path { get; }

    /// <summary>Gets a value indicating whether the file is bypassed after a failure (its circuit is open, or half-open while one call probes it).</summary>
    public bool IsBypassed => !_circuit.IsClosed;

    /// <summary>Gets the pages the writer's transactions wrote to the file, by SQLite's own count (benchmarks and tests).</summary>
    internal long PagesWritten => Interlocked.Read(ref _pagesWritten);

    /// <summary>Makes the store of <paramref name="clientName"/> from the app's services (the keyed registration's factory).</summary>
    public static SqliteHttpCacheStore Create(IServiceProvider services, string clientName) => SqliteStoreFactory.Create(services, clientName);

    public ValueTask<IReadOnlyList<HttpCacheEntry>?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_front?.Get(key) is { } hit)
        {
            Touch(key);
            return new(hit);
        }

        if (_writes.Find(key) is { } pending)
        {
            // Not in the file yet: what this process stored (or removed) a moment ago.
            if (pending.Entries is not null)
            {
                Touch(key);
            }

            return new(pending.Entries);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var fault = SqliteReadFault.None;
        var entries = Run("read", session =>
        {
            var read = session.Read(_clientName, key, DiskDetail, out var bad, deferTo: this);
            fault = bad;
            return read;
        }, null, _closing.Token);
        if (fault != SqliteReadFault.None)
        {
            Unreadable(key, fault);
            return new((IReadOnlyList<HttpCacheEntry>?)null);
        }

        if (entries is null)
        {
            return new((IReadOnlyList<HttpCacheEntry>?)null);
        }

        CountRead(entries);
        Touch(key);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.ReadFromFile(_logger, entries.Count, entries.Sum(e => (long)e.Body.Length), _clientName);
        }

        // The entries read say "disk"; the front keeps plain copies (the same arrays): a hit from it is not "from disk".
        if (_front is not null)
        {
            var plain = SqliteEntryCopies.Plain(entries, out var size);
            _front.Set(key, plain, size, _frontLifetime);
        }

        return new(entries);
    }

    /// <summary>
    /// An entry that cannot be used (its columns unreadable, or a body that does not match its digest): a warning, and
    /// the key removed, so the next request goes to the origin and stores it anew. Never the key itself (it holds the URI).
    /// </summary>
    private void Unreadable(string key, SqliteReadFault fault)
    {
        if (fault == SqliteReadFault.DigestMismatch)
        {
            Log.BodyMismatch(_logger, _clientName);
        }
        else
        {
            Log.EntryUnreadable(_logger, _clientName);
        }

        _ = RemoveAsync(key, CancellationToken.None).AsTask();
    }

    public ValueTask SetAsync(string key, IReadOnlyList<HttpCacheEntry> entries, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(entries);
        if (timeToLive is { } ttl && ttl <= TimeSpan.Zero)
        {
            // Nothing in them can be used any more: what was stored is outdated too.
            return RemoveAsync(key, cancellationToken);
        }

        var variants = new EncodedVariant[entries.Count];
        long size = 0;
        for (var i = 0; i < variants.Length; i++)
        {
            variants[i] = EncodedVariant.Of(entries[i]);
            size += variants[i].Size;
        }

        if (size > _maxEntryBytes)
        {
            Log.TooLarge(_logger, size, _clientName, _maxEntryBytes);
            return RemoveAsync(key, cancellationToken);
        }

        var now = _time.GetUtcNow().UtcTicks;
        long? expires = timeToLive is { } life ? SqlitePendingWrite.SaturatingAdd(now, life.Ticks) : null;
        var write = SqlitePendingWrite.Write(key, variants, entries, expires, now, size);
        if (_writes.Find(key) is { } pending && !SqliteWriteOrder.Replaces(false, write.Time, pending.Time, pending.Variants is null))
        {
            // A newer write or removal of the key is pending (an invalidation after this response was asked for).
            return ValueTask.CompletedTask;
        }

        _front?.Set(key, entries, size, timeToLive is { } t && t < _frontLifetime ? t : _frontLifetime);
        ForgetRead(key);

        // Off the request path: the writer makes it in the background; reads of this process see it meanwhile.
        // While the file is bypassed nothing is queued: the next read of the file probes it once the break is over.
        return IsBypassed ? ValueTask.CompletedTask : _writes.EnqueueAsync(write, cancellationToken);
    }

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        _front?.Remove(key);
        ForgetRead(key);

        // An invalidation follows a change the origin already made: it is made even when the caller stopped waiting.
        // Queued even while the file is bypassed: it hides a write of the key queued before.
        return _writes.EnqueueAsync(SqlitePendingWrite.Removal(key, _time.GetUtcNow().UtcTicks), CancellationToken.None);
    }

    /// <summary>
    /// The writer's job: one batch of the queue in one transaction (eviction within it), then the WAL truncated when
    /// it grew past its bound. A write that lost to a newer operation in the file leaves this process's front.
    /// </summary>
    private void WriteBatch(IReadOnlyList<SqlitePendingWrite> batch)
    {
        var token = _closing.Token;
        var outcome = Run("write", session => session.WriteBatch(_clientName, batch, _maxTotalBytes, _freeBytes, _time.GetUtcNow().UtcTicks, TakeTouches), default(SqliteBatchOutcome?), token);
        if (outcome is not { } done)
        {
            return;
        }

        Interlocked.Add(ref _pagesWritten, done.PagesWritten);
        foreach (var lost in done.Lost ?? [])
        {
            if (lost.Variants is not null)
            {
                _front?.Remove(lost.Key);
            }
        }

        if (done.Evicted > 0)
        {
            Log.Evicted(_logger, done.Evicted, _clientName, done.TotalBytes, _maxTotalBytes);
        }

        if (Volatile.Read(ref _file) is { WalIsLarge: true })
        {
            Run("checkpoint", session => session.TruncateWal(), false, token);
        }
    }
}
