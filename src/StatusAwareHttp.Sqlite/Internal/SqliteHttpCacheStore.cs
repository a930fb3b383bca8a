using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Caching.Sqlite.Internal;

/// <summary>
/// One client's HTTP cache store in a SQLite file, with a small in-memory front.
/// </summary>
/// <remarks>
/// <para>
/// Reads look in the front, then in the writes not yet made (<see cref="SqliteWriteQueue"/>), then in the file. Writes
/// and removals go to the front at once and to the file through the queue: a background writer makes them in batches,
/// each one transaction (WAL), so a process killed mid-write leaves the previous entry. The times of each exchange are stored, so the cache computes
/// <c>Age</c> and freshness after a restart as it would have before (RFC 9111 §4.2.3).
/// </para>
/// <para>
/// No call throws but for the caller's cancellation: a lock held by another process past the busy timeout (and a few
/// retries) is a miss or a write not made; a damaged or foreign file is moved aside and a new one made; any other
/// failure (a read-only or full disk) bypasses the file for <see cref="SqliteHttpCacheOptions.BypassDuration"/>,
/// with a warning, and the request goes to the origin. Reads are recorded in memory and written in batches; eviction
/// runs in the background, never on a request.
/// </para>
/// </remarks>
internal sealed partial class SqliteHttpCacheStore : IHttpCacheStore, IDisposable, IAsyncDisposable
{
    /// <summary>The detail added to <c>Cache-Status</c> on a hit whose entry was read from the file.</summary>
    public const string DiskDetail = "disk";

    /// <summary>Reads recorded before their access times are written in the background.</summary>
    internal const int TouchFlushCount = 256;

    /// <summary>Keys evicted in one transaction.</summary>
    internal const int EvictionBatch = 64;

    private readonly string _clientName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FrontCache? _front;
    private readonly SqliteWriteQueue _writes;
    private readonly ResiliencePipeline _flushTimeout;
    private readonly ResiliencePipeline _retry;
    private readonly TimeSpan _busyTimeout;
    private readonly TimeSpan _bypassDuration;
    private readonly TimeSpan _frontLifetime;
    private readonly long _maxTotalBytes;
    private readonly long _maxEntryBytes;
    private readonly Action<SqliteConnection>? _configure;
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, long> _touched = new(StringComparer.Ordinal);
    private SqliteCacheFile? _file;
    private long _bypassUntilTicks;
    private bool _bypassed;
    private bool _disposed;
    private int _touches;
    private int _background;
    private int _evictionWanted;
    private Task _backgroundTask = Task.CompletedTask;

    public SqliteHttpCacheStore(string clientName, string path, SqliteHttpCacheOptions options, TimeProvider time, ILogger logger)
    {
        _clientName = clientName;
        Path = path;
        _time = time;
        _logger = logger;
        _busyTimeout = options.BusyTimeout;
        _bypassDuration = options.BypassDuration;
        _frontLifetime = options.MemoryFrontLifetime;
        _maxTotalBytes = options.MaxTotalBytes;
        _maxEntryBytes = options.MaxEntryBytes;
        _configure = options.ConfigureConnection;
        _front = options.MemoryFrontLifetime > TimeSpan.Zero ? new FrontCache(options.MemoryFrontMaxBytes, time) : null;
        _writes = new SqliteWriteQueue(options.MaxPendingWriteBytes, options.MaxPendingWrites, WriteBatch, ex => Log.WriterFailed(_logger, ex, _clientName));
        _flushTimeout = SqliteWriteQueue.Timeout(options.FlushTimeout, time);

        // A few retries when another process kept the lock past the busy timeout. Their delays are real time, whatever
        // clock the cache runs on: they wait for another process.
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<SqliteException>(IsBusy),
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(50),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
    }

    /// <summary>Gets the file's path.</summary>
    public string Path { get; }

    /// <summary>Gets a value indicating whether the file is bypassed after a failure.</summary>
    public bool IsBypassed => Volatile.Read(ref _bypassed);

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
        var unreadable = false;
        var entries = Run("read", session =>
        {
            var read = session.Read(_clientName, key, out var bad);
            unreadable = bad;
            return read;
        }, null);
        if (unreadable)
        {
            Log.EntryUnreadable(_logger, _clientName);
            _ = RemoveAsync(key, CancellationToken.None).AsTask();
            return new((IReadOnlyList<HttpCacheEntry>?)null);
        }

        if (entries is null)
        {
            return new((IReadOnlyList<HttpCacheEntry>?)null);
        }

        Touch(key);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.ReadFromFile(_logger, entries.Count, entries.Sum(e => (long)e.Body.Length), _clientName);
        }

        // The front keeps plain copies (the same arrays): a hit from it is not "from disk".
        if (_front is not null)
        {
            var plain = SqliteEntryCopies.Plain(entries, out var size);
            _front.Set(key, plain, size, _frontLifetime);
        }

        SqliteEntryCopies.Mark(entries, DiskDetail);
        return new(entries);
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

        _front?.Set(key, entries, size, timeToLive is { } t && t < _frontLifetime ? t : _frontLifetime);
        var now = _time.GetUtcNow().UtcTicks;
        long? expires = timeToLive is { } life ? SaturatingAdd(now, life.Ticks) : null;
        _touched.TryRemove(key, out _);

        // Off the request path: the writer makes it in the background; reads of this process see it meanwhile.
        return FileBypassed() ? ValueTask.CompletedTask : _writes.EnqueueAsync(SqlitePendingWrite.Write(key, variants, entries, expires, now, size), cancellationToken);
    }

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        _front?.Remove(key);
        _touched.TryRemove(key, out _);

        // An invalidation follows a change the origin already made: it is made even when the caller stopped waiting.
        // Queued even while the file is bypassed: it hides a write of the key queued before.
        return _writes.EnqueueAsync(SqlitePendingWrite.Removal(key, _time.GetUtcNow().UtcTicks), CancellationToken.None);
    }

    /// <summary>
    /// Completes when the writes and removals queued before the call are in the file (or failed, with a warning): for
    /// what reads the file directly (another process, an inspection of the file) and for tests.
    /// </summary>
    internal Task FlushAsync(CancellationToken cancellationToken = default) => _writes.FlushAsync(cancellationToken);

    /// <summary>Writes the recorded access times and evicts until under the limit, on the calling thread (tests, disposal).</summary>
    internal void RunMaintenance(bool evict)
    {
        FlushAsync().GetAwaiter().GetResult();
        FlushTouches();
        if (evict)
        {
            Evict();
        }
    }

    /// <summary>Gets the bytes the file accounts for this store's file (all clients on it), or -1 when it cannot be read.</summary>
    internal long TotalBytes()
    {
        FlushAsync().GetAwaiter().GetResult();
        return Run("read", session => session.Total(), -1L);
    }

    /// <summary>Completes when the queued writes and the background work they started (access times, eviction) are done.</summary>
    internal async Task WhenIdle()
    {
        await FlushAsync().ConfigureAwait(false);
        for (var task = Volatile.Read(ref _backgroundTask); !task.IsCompleted; task = Volatile.Read(ref _backgroundTask))
        {
            await task.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // What is queued is written first, within FlushTimeout; then the rest of disposal.
        if (!Volatile.Read(ref _disposed) && !await _writes.FlushWithinAsync(_flushTimeout).ConfigureAwait(false))
        {
            Log.NotFlushed(_logger, _writes.Count, _clientName);
        }

        Dispose();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
        }

        if (!_writes.FlushWithinAsync(_flushTimeout).AsTask().GetAwaiter().GetResult())
        {
            Log.NotFlushed(_logger, _writes.Count, _clientName);
        }

        _writes.Close();
        try
        {
            // Give running eviction a moment, then keep what was read recently: the next process evicts by it.
            Volatile.Read(ref _backgroundTask).Wait(TimeSpan.FromSeconds(5));
            FlushTouches();
        }
        catch (AggregateException)
        {
            // Background work never throws; a failure was logged where it happened.
        }

        lock (_lock)
        {
            _disposed = true;
            _file?.Dispose();
            _file = null;
        }

        _front?.Clear();
    }

    /// <summary>The writer's job: one batch of the queue in one transaction, then eviction if the file is over its bound.</summary>
    private void WriteBatch(IReadOnlyList<SqlitePendingWrite> batch)
    {
        if (Run("write", session => session.WriteBatch(_clientName, batch), -1L) > _maxTotalBytes)
        {
            Volatile.Write(ref _evictionWanted, 1);
            StartBackground();
        }
    }

    /// <summary>Whether the file is bypassed after a failure (writes are not queued meanwhile).</summary>
    private bool FileBypassed() => Volatile.Read(ref _bypassed) && _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _bypassUntilTicks);

    private static bool IsBusy(SqliteException ex) => (ex.SqliteErrorCode & 0xFF) is 5 /* BUSY */ or 6 /* LOCKED */;

    private static long SaturatingAdd(long a, long b) => b > DateTimeOffset.MaxValue.UtcTicks - a ? DateTimeOffset.MaxValue.UtcTicks : a + b;

    private void Run(string operation, Action<SqliteSession> action) =>
        Run(operation, session =>
        {
            action(session);
            return true;
        }, false);

    /// <summary>Runs one call on a session of the file; every failure is handled here and gives <paramref name="fallback"/>.</summary>
    private T Run<T>(string operation, Func<SqliteSession, T> action, T fallback)
    {
        var file = Current();
        if (file is null)
        {
            return fallback;
        }

        SqliteSession? session = null;
        try
        {
            session = file.Rent();
            var result = _retry.Execute(static state => state.action(state.session), (action, session));
            file.Return(session);
            return result;
        }
        catch (SqliteException ex) when (IsBusy(ex))
        {
            file.Return(session!);
            Log.Busy(_logger, _clientName, operation);
            return fallback;
        }
        catch (SqliteException ex) when (SqliteCacheFile.IsUnreadable(ex))
        {
            session?.Dispose();
            Replace(file, $"SQLite error {ex.SqliteErrorCode} on {operation}");
            return fallback;
        }
        catch (ObjectDisposedException)
        {
            // The file was closed meanwhile (moved aside, bypassed, or the store disposed).
            session?.Dispose();
            return fallback;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException or InvalidDataException)
        {
            session?.Dispose();
            Bypass(operation, ex);
            return fallback;
        }
    }

    /// <summary>The open file; opens it when there is none and the file is not bypassed, or gives <see langword="null"/>.</summary>
    private SqliteCacheFile? Current()
    {
        if (Volatile.Read(ref _file) is { } open)
        {
            return open;
        }

        lock (_lock)
        {
            if (_file is not null || _disposed || (_bypassed && _time.GetUtcNow().UtcTicks < _bypassUntilTicks))
            {
                return _file;
            }

            try
            {
                var file = SqliteCacheFile.Open(Path, _busyTimeout, _configure, _time, out var movedTo);
                if (movedTo is not null)
                {
                    Log.MovedAside(_logger, Path, _clientName, "it is not a readable cache file of this library", movedTo);
                }

                if (_bypassed)
                {
                    _bypassed = false;
                    Log.Recovered(_logger, Path, _clientName);
                }
                else
                {
                    Log.Opened(_logger, Path, _clientName);
                }

                Volatile.Write(ref _file, file);
                return file;
            }
            catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException or ArgumentException)
            {
                BypassLocked("open", ex);
                return null;
            }
        }
    }

    private void Bypass(string operation, Exception ex)
    {
        lock (_lock)
        {
            BypassLocked(operation, ex);
        }
    }

    private void BypassLocked(string operation, Exception ex)
    {
        _bypassUntilTicks = SaturatingAdd(_time.GetUtcNow().UtcTicks, _bypassDuration.Ticks);
        _file?.Dispose();
        Volatile.Write(ref _file, null);
        if (!_bypassed)
        {
            _bypassed = true;
            var reason = ex is SqliteException sqlite ? $"SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message}" : $"{ex.GetType().Name}: {ex.Message}";
            Log.Bypassed(_logger, ex, Path, _clientName, operation, reason, (long)_bypassDuration.TotalSeconds);
        }
    }

    /// <summary>The file turned out damaged while in use: moves it aside; the next call makes a new one.</summary>
    private void Replace(SqliteCacheFile file, string reason)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_file, file))
            {
                return;
            }

            file.Dispose();
            Volatile.Write(ref _file, null);
            try
            {
                var movedTo = SqliteCacheFile.MoveAside(Path, _time);
                Log.MovedAside(_logger, Path, _clientName, reason, movedTo);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                BypassLocked("move aside", ex);
            }
        }
    }
}
