using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace StatusAwareHttp.Caching.Sqlite.Internal;

/// <summary>
/// One client's HTTP cache store in a SQLite file, with a small in-memory front.
/// </summary>
/// <remarks>
/// <para>
/// Reads look in the front, then in the file; writes and removals go to both, each write one transaction (WAL), so a
/// process killed mid-write leaves the previous entry. The times of each exchange are stored, so the cache computes
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
internal sealed partial class SqliteHttpCacheStore : IHttpCacheStore, IDisposable
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
    private readonly SqliteFront? _front;
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
        _front = options.MemoryFrontLifetime > TimeSpan.Zero ? new SqliteFront(options.MemoryFrontMaxBytes, time) : null;

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
    public static SqliteHttpCacheStore Create(IServiceProvider services, string clientName)
    {
        var options = services.GetRequiredService<IOptionsMonitor<SqliteHttpCacheOptions>>().Get(clientName);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<SqliteHttpCacheStore>();
        var path = options.Path;
        if (path is null)
        {
            path = SqliteDefaultPath.For(System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name);
            Log.DefaultPath(logger, clientName, path);
        }

        return new SqliteHttpCacheStore(clientName, System.IO.Path.GetFullPath(path), options, services.GetRequiredService<TimeProvider>(), logger);
    }

    public ValueTask<IReadOnlyList<HttpCacheEntry>?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_front?.Get(key) is { } hit)
        {
            Touch(key);
            return new(hit);
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
            Run("remove", session => session.Remove(_clientName, key));
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
            var plain = new HttpCacheEntry[entries.Count];
            long size = 0;
            for (var i = 0; i < plain.Length; i++)
            {
                var e = entries[i];
                plain[i] = new HttpCacheEntry(e.StatusCode, e.Headers, e.Body, e.RequestTime, e.ResponseTime, e.VaryHeaders);
                size += EncodedVariant.SizeOf(e);
            }

            _front.Set(key, plain, size, _frontLifetime);
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            entries[i] = new HttpCacheEntry(e.StatusCode, e.Headers, e.Body, e.RequestTime, e.ResponseTime, e.VaryHeaders) { StoreDetail = DiskDetail };
        }

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
        var total = Run("write", session => session.Write(_clientName, key, variants, expires, now, size), -1L);
        if (total > _maxTotalBytes)
        {
            Volatile.Write(ref _evictionWanted, 1);
            StartBackground();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        _front?.Remove(key);
        _touched.TryRemove(key, out _);

        // An invalidation follows a change the origin already made: it is made even when the caller stopped waiting.
        Run("remove", session => session.Remove(_clientName, key));
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes the recorded access times and evicts until under the limit, on the calling thread (tests, disposal).</summary>
    internal void RunMaintenance(bool evict)
    {
        FlushTouches();
        if (evict)
        {
            Evict();
        }
    }

    /// <summary>Gets the bytes the file accounts for this store's file (all clients on it), or -1 when it cannot be read.</summary>
    internal long TotalBytes() => Run("read", session => session.Total(), -1L);

    /// <summary>Completes when the background work started so far (access times, eviction) is done.</summary>
    internal Task WhenIdle() => Volatile.Read(ref _backgroundTask);

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
        }

        try
        {
            // Give running eviction a moment, then keep what was read recently: the next process evicts by it.
            WhenIdle().Wait(TimeSpan.FromSeconds(5));
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

        _front?.Dispose();
    }

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
            if (_touched.TryRemove(touch))
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
