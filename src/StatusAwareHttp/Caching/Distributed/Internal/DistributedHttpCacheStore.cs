using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>
/// One client's HTTP cache store on the app's <see cref="IDistributedCache"/>, with a small in-memory front.
/// </summary>
/// <remarks>
/// <para>
/// Reads look in the front, then in the distributed cache; an entry read from there is kept in the front for at most
/// <see cref="DistributedHttpCacheOptions.MemoryFrontLifetime"/>. Writes and removals go to both. So an invalidation
/// through this instance is seen here at once and by every other instance once its front copy is gone (that lifetime
/// at most): the distributed cache is the one place they share.
/// </para>
/// <para>
/// Every call to the distributed cache goes through a Polly pipeline (<see cref="StorePipeline"/>): bounded by
/// <see cref="DistributedHttpCacheOptions.OperationTimeout"/>, and guarded by a circuit breaker: a failure or timeout
/// is a miss (or a write not made) and counted; once failures open the circuit (logged once as a warning) the
/// distributed cache is skipped for <see cref="DistributedHttpCacheOptions.BreakDuration"/>; then one call tries it
/// again. The first call, made when the store is made, has its own budget
/// (<see cref="DistributedHttpCacheOptions.ConnectTimeout"/>) for the connection's set-up, and the calls that come
/// before it ended wait for it. A removal that could not be made is remembered (up to <see cref="MaxPendingRemovals"/> keys) and
/// made once the distributed cache answers again, so an invalidation is not lost to an outage. No call throws but
/// for the caller's own cancellation.
/// </para>
/// </remarks>
internal sealed partial class DistributedHttpCacheStore : IHttpCacheStore, IDisposable
{
    public const int MaxPendingRemovals = 10_000;

    private const string GetOperation = "get";
    private const string SetOperation = "set";
    private const string RemoveOperation = "remove";

    private static readonly Func<IDistributedCache, string, object?, CancellationToken, Task> s_get =
        static (cache, key, _, token) => cache.GetAsync(key, token);

    private static readonly Func<IDistributedCache, string, object?, CancellationToken, Task> s_set =
        static (cache, key, state, token) =>
        {
            var (payload, options) = ((byte[], DistributedCacheEntryOptions))state!;
            return cache.SetAsync(key, payload, options, token);
        };

    private static readonly Func<IDistributedCache, string, object?, CancellationToken, Task> s_remove =
        static (cache, key, _, token) => cache.RemoveAsync(key, token);

    private static readonly Action<Task> s_observe = static t => _ = t.Exception;

    private readonly string _clientName;
    private readonly IDistributedCache _cache;
    private readonly TimeProvider _time;
    private readonly MemoryFront? _front;
    private readonly StorePipeline _pipeline;
    private readonly DistributedCacheMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeSpan _operationTimeout;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _breakDuration;
    private readonly TimeSpan _frontLifetime;
    private readonly TimeSpan _maxTimeToLive;
    private readonly string _keyPrefix;
    private readonly ConcurrentDictionary<string, byte> _pendingRemovals = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();
    private readonly Task _warmUp;
    private int _replaying;
    private int _pendingOverflowLogged;

    public DistributedHttpCacheStore(
        string clientName,
        IDistributedCache cache,
        DistributedHttpCacheOptions options,
        TimeProvider time,
        DistributedCacheMetrics metrics,
        ILogger logger)
    {
        _clientName = clientName;
        _cache = cache;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _operationTimeout = options.OperationTimeout;
        _breakDuration = options.BreakDuration;
        _frontLifetime = options.MemoryFrontLifetime;
        _maxTimeToLive = options.MaxTimeToLive;
        _keyPrefix = options.KeyPrefix;
        _connectTimeout = options.ConnectTimeout;
        _pipeline = new StorePipeline(time, options.OperationTimeout, options.BreakDuration, OnOpened, OnClosed);
        _front = options.MemoryFrontLifetime > TimeSpan.Zero ? new MemoryFront(options.MemoryFrontMaxBytes, time) : null;
        _warmUp = _connectTimeout > TimeSpan.Zero ? WarmUpAsync() : Task.CompletedTask;
    }

    /// <summary>Gets a value indicating whether the distributed cache is in use (the circuit is closed).</summary>
    public bool IsAvailable => _pipeline.IsClosed;

    /// <summary>Gets the warm-up: the first call to the distributed cache, made when the store is made (it never fails).</summary>
    public Task WarmUp => _warmUp;

    /// <summary>Gets the number of removals waiting for the distributed cache to answer again.</summary>
    public int PendingRemovals => _pendingRemovals.Count;

    /// <summary>Makes the store of <paramref name="clientName"/> from the app's services (the keyed registration's factory).</summary>
    public static DistributedHttpCacheStore Create(IServiceProvider services, string clientName)
    {
        var options = services.GetRequiredService<IOptionsMonitor<DistributedHttpCacheOptions>>().Get(clientName);
        return new DistributedHttpCacheStore(
            clientName,
            services.GetRequiredService<IDistributedCache>(),
            options,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<DistributedCacheMetrics>().For(clientName),
            services.GetRequiredService<ILoggerFactory>().CreateLogger<DistributedHttpCacheStore>());
    }

    /// <summary>The key under which <paramref name="key"/> is kept in the distributed cache.</summary>
    public string StoreKey(string key) => DistributedCacheKeys.For(_keyPrefix, _clientName, key);

    public ValueTask<IReadOnlyList<HttpCacheEntry>?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_front?.Get(key) is { } hit)
        {
            switch (TagsAllowFromMemory(key, hit, out var tags))
            {
                case true:
                    // Synchronous and allocation-free: a front hit costs what a memory store hit costs.
                    _metrics.Lookup(DistributedLookup.FrontHit);
                    return new(hit);
                case false:
                    return new(Invalidated(key));
                default:
                    return CheckedAsync(key, hit, tags, cancellationToken);
            }
        }

        return GetFromStoreAsync(key, cancellationToken);
    }

    /// <summary>A front hit whose tags' marks had to be read first.</summary>
    private async ValueTask<IReadOnlyList<HttpCacheEntry>?> CheckedAsync(string key, IReadOnlyList<HttpCacheEntry> hit, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        if (!await TagsAllowAsync(tags, hit, cancellationToken).ConfigureAwait(false))
        {
            return Invalidated(key);
        }

        _metrics.Lookup(DistributedLookup.FrontHit);
        return hit;
    }

    /// <summary>
    /// Entries a tag's mark invalidated: a miss, and out of the front. They stay in the distributed cache until replaced
    /// or expired (every reader checks them): a removal there could take what another instance has just stored.
    /// </summary>
    private IReadOnlyList<HttpCacheEntry>? Invalidated(string key)
    {
        _metrics.Lookup(DistributedLookup.Miss);
        _front?.Remove(key);
        return null;
    }

    public async ValueTask SetAsync(string key, IReadOnlyList<HttpCacheEntry> entries, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(entries);
        if (timeToLive is { } ttl && ttl <= TimeSpan.Zero)
        {
            // Nothing in them can be used any more: what was stored is outdated too.
            await RemoveAsync(key, cancellationToken).ConfigureAwait(false);
            return;
        }

        _front?.Set(key, entries, Min(timeToLive ?? _frontLifetime, _frontLifetime));

        byte[] payload;
        try
        {
            payload = HttpCacheEntryFormat.Write(entries);
        }
        catch (ArgumentException ex)
        {
            Log.NotWritten(_logger, ex, _clientName, "the entry is too large to serialise");
            return;
        }

        var storeKey = StoreKey(key);
        var options = new DistributedCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = Min(timeToLive ?? _maxTimeToLive, _maxTimeToLive),
        };
        if (await CallAsync(SetOperation, s_set, storeKey, (payload, options), cancellationToken).ConfigureAwait(false) is not null)
        {
            // What is stored now is newer than the change a waiting removal was for.
            _pendingRemovals.TryRemove(storeKey, out _);
        }
    }

    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        _front?.Remove(key);

        // An invalidation follows a change the origin already made: it is not abandoned because the caller stopped
        // waiting (the timeout bounds it), and when the distributed cache cannot take it now, it is made later.
        var storeKey = StoreKey(key);
        if (await CallAsync(RemoveOperation, s_remove, storeKey, null, CancellationToken.None).ConfigureAwait(false) is null)
        {
            RememberRemoval(storeKey);
        }
    }

    public void Dispose()
    {
        // The token stays usable (cancelled) for a replay still running; the front goes with the store.
        _disposing.Cancel();
        _front?.Dispose();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private async ValueTask<IReadOnlyList<HttpCacheEntry>?> GetFromStoreAsync(string key, CancellationToken cancellationToken)
    {
        var storeKey = StoreKey(key);
        if (await CallAsync(GetOperation, s_get, storeKey, null, cancellationToken).ConfigureAwait(false) is not Task<byte[]?> done)
        {
            _metrics.Lookup(DistributedLookup.Unavailable);
            return null;
        }

        var payload = done.Result;
        if (payload is null)
        {
            _metrics.Lookup(DistributedLookup.Miss);
            return null;
        }

        if (!HttpCacheEntryFormat.TryRead(payload, out var entries, out var error))
        {
            _metrics.Lookup(DistributedLookup.Unreadable);
            Log.EntryUnreadable(_logger, _clientName, error!, storeKey);
            return null;
        }

        if (TagsAllowFromMemory(key, entries!, out var tags) is not true
            && (tags.Count == 0 || !await TagsAllowAsync(tags, entries!, cancellationToken).ConfigureAwait(false)))
        {
            return Invalidated(key);
        }

        _metrics.Lookup(DistributedLookup.Hit);
        Log.ReadFromStore(_logger, entries!.Count, payload.Length, _clientName);
        // The distributed cache does not say how long the entry has left; the front's lifetime is short, and the
        // cache judges freshness from the entry itself anyway.
        _front?.Set(key, entries, _frontLifetime);

        return entries;
    }

    /// <summary>
    /// Calls the distributed cache through the pipeline (circuit breaker and timeout), after the warm-up.
    /// </summary>
    /// <returns>The completed task of the call, or <see langword="null"/> when it was skipped, failed or timed out.</returns>
    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> was cancelled.</exception>
    private async ValueTask<Task?> CallAsync(
        string operation,
        Func<IDistributedCache, string, object?, CancellationToken, Task> call,
        string storeKey,
        object? state,
        CancellationToken cancellationToken)
    {
        if (!_warmUp.IsCompleted)
        {
            // The first calls of a new instance wait for the connection (bounded by ConnectTimeout) instead of
            // timing out on its set-up and opening the circuit.
            await _warmUp.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StorePipeline.Operation, operation);
        try
        {
            var task = await _pipeline.Pipeline.ExecuteAsync(
                static async (context, s) =>
                {
                    var task = s.call(s.Cache, s.storeKey, s.state, context.CancellationToken);
                    try
                    {
                        // The call may not honour the token (Redis clients wait for their own, longer timeouts): stop waiting.
                        await task.WaitAsync(context.CancellationToken).ConfigureAwait(false);
                    }
                    catch when (!task.IsCompleted)
                    {
                        _ = task.ContinueWith(s_observe, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                        throw;
                    }

                    return task;
                },
                context,
                (call, Cache: _cache, storeKey, state)).ConfigureAwait(false);

            if (!_pendingRemovals.IsEmpty)
            {
                StartReplay();
            }

            return task;
        }
        catch (BrokenCircuitException)
        {
            // Open (or another call is probing it): skip the store.
            _metrics.Bypassed(operation);
            Log.StoreBypassed(_logger, _clientName, operation);
            return null;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up: say nothing about the store.
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception ex)
        {
            _metrics.Failed(operation, StorePipeline.IsTimeout(ex));
            return null;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private void OnOpened(string operation, Exception? exception)
    {
        var timedOut = StorePipeline.IsTimeout(exception);
        Log.StoreFailed(
            _logger,
            timedOut ? null : exception,
            _clientName,
            operation,
            timedOut ? $"no answer within {_operationTimeout.TotalMilliseconds:0} ms" : exception?.GetType().Name ?? "failed",
            (long)_breakDuration.TotalMilliseconds);
    }

    private void OnClosed() => Log.StoreRecovered(_logger, _clientName);

    /// <summary>
    /// The first call to the distributed cache, made as the store is made (its first resolution: the client's first
    /// request, or start-up when the app resolves it): it includes the client's connection set-up, which may take
    /// far longer than <see cref="DistributedHttpCacheOptions.OperationTimeout"/>, so it gets its own budget,
    /// <see cref="DistributedHttpCacheOptions.ConnectTimeout"/>, and does not count against the circuit.
    /// </summary>
    private async Task WarmUpAsync()
    {
        await Task.Yield();
        using var timeout = new CancellationTokenSource(_connectTimeout, _time);
        using var link = _disposing.Token.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout);
        Task? task = null;
        try
        {
            task = _cache.GetAsync(DistributedCacheKeys.WarmUp(_keyPrefix, _clientName), timeout.Token);
            await task.WaitAsync(timeout.Token).ConfigureAwait(false);
            Log.WarmedUp(_logger, _clientName);
        }
        catch (Exception ex)
        {
            if (task is { IsCompleted: false })
            {
                _ = task.ContinueWith(s_observe, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            if (!_disposing.IsCancellationRequested)
            {
                var timedOut = timeout.IsCancellationRequested;
                Log.WarmUpFailed(
                    _logger,
                    timedOut ? null : ex,
                    _clientName,
                    timedOut ? $"no answer within {_connectTimeout.TotalMilliseconds:0} ms" : ex.GetType().Name);
            }
        }
    }

    private void RememberRemoval(string storeKey)
    {
        if (_pendingRemovals.Count >= MaxPendingRemovals)
        {
            if (Interlocked.Exchange(ref _pendingOverflowLogged, 1) == 0)
            {
                Log.PendingRemovalsDropped(_logger, _clientName, MaxPendingRemovals);
            }

            return;
        }

        _pendingRemovals.TryAdd(storeKey, 0);
    }

    private void StartReplay()
    {
        if (_disposing.IsCancellationRequested || Interlocked.CompareExchange(ref _replaying, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(ReplayAsync);
    }

    private async Task ReplayAsync()
    {
        var replayed = 0;
        try
        {
            foreach (var storeKey in _pendingRemovals.Keys)
            {
                if (_disposing.IsCancellationRequested
                    || await CallAsync(RemoveOperation, s_remove, storeKey, null, _disposing.Token).ConfigureAwait(false) is null)
                {
                    // Failed again (the circuit is open): the next successful call starts over.
                    break;
                }

                _pendingRemovals.TryRemove(storeKey, out _);
                replayed++;
            }
        }
        catch (OperationCanceledException)
        {
            // The app is stopping.
        }
        finally
        {
            Interlocked.Exchange(ref _pendingOverflowLogged, 0);
            Volatile.Write(ref _replaying, 0);
        }

        if (replayed > 0)
        {
            Log.PendingRemovalsReplayed(_logger, _clientName, replayed);
        }
    }
}
