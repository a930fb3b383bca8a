using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// One client name's cache state, a keyed singleton under the client name: <c>IHttpClientFactory</c> rebuilds handler
/// chains every few minutes, so the store, the requests in flight and the background revalidations belong to the
/// client name and outlive the handlers that use them. Disposed with the service provider.
/// </summary>
internal sealed class ClientCache : IDisposable
{
    /// <summary>At most this many background revalidations run at once per client; beyond it the stale response is just served.</summary>
    public const int MaxBackgroundRevalidations = 16;

    /// <summary>How long a key whose answer could not be stored goes uncollapsed (hit-for-pass).</summary>
    public static readonly TimeSpan PassDuration = TimeSpan.FromSeconds(5);

    /// <summary>The most keys remembered as not storable at once; past it, no more are remembered until some expire.</summary>
    public const int MaxPasses = 1024;

    private readonly ConcurrentDictionary<string, Task> _revalidations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _passes = new(StringComparer.Ordinal);

    // The keys in _passes, counted here: ConcurrentDictionary.Count takes every lock of the dictionary.
    private int _passCount;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stoppingToken;
    private readonly bool _ownsStore;
    private int _disposed;
    private bool _offline;
    private int _waiting;
    private int _running;

    public ClientCache(string name, IHttpCacheStore store, bool ownsStore)
    {
        Name = name;
        Store = store;
        _ownsStore = ownsStore;
        _stoppingToken = _stopping.Token;
    }

    public string Name { get; }

    /// <summary>
    /// Makes the state of <paramref name="clientName"/>: its store is the <see cref="IHttpCacheStore"/> registered as a
    /// keyed service under the client name, else a memory store with the client's limits (owned and disposed here).
    /// </summary>
    public static ClientCache Create(string clientName, IServiceProvider services)
    {
        if (services.GetKeyedService<IHttpCacheStore>(clientName) is { } keyed)
        {
            return new ClientCache(clientName, keyed, ownsStore: false) { Coordinator = services.GetKeyedService<IHttpCacheCoordinator>(clientName) };
        }

        var options = services.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get(clientName).Cache;
        var store = new MemoryHttpCacheStore(options.MaxTotalBytes, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<CacheMetrics>().For(clientName));
        return new ClientCache(clientName, store, ownsStore: true) { Coordinator = services.GetKeyedService<IHttpCacheCoordinator>(clientName) };
    }

    public IHttpCacheStore Store { get; }

    /// <summary>Gets or sets a value indicating whether the client is offline (<see cref="IHttpCache.Offline"/>): read on every request.</summary>
    public bool Offline
    {
        get => Volatile.Read(ref _offline);
        set => Volatile.Write(ref _offline, value);
    }

    /// <summary>Gets the farm's coordinator of misses (a keyed <see cref="IHttpCacheCoordinator"/> under the client name), if any.</summary>
    public IHttpCacheCoordinator? Coordinator { get; private init; }

    /// <summary>Gets the requests on their way to the origin that identical requests may join, by cache key.</summary>
    public ConcurrentDictionary<string, InFlightRequest> InFlight { get; } = new(StringComparer.Ordinal);

    /// <summary>Makes the request the leader of its key (its flight returned), or gives the flight in progress to join.</summary>
    public InFlightRequest? TryLead(string key, out InFlightRequest current)
    {
        var mine = new InFlightRequest();
        current = InFlight.GetOrAdd(key, mine);
        return ReferenceEquals(current, mine) ? mine : null;
    }

    /// <summary>
    /// Ends the flight a request leads (if any). Declined (<paramref name="failed"/> false: the response cannot be
    /// shared), the requests waiting on it go to the origin themselves; failed (the leader's request failed or was
    /// cancelled), one of them leads anew and the others join it. Taken out of the table first, so that a waiting
    /// request woken by the end finds the key free; the farm-wide lease it held is released.
    /// </summary>
    public void EndFlight(string key, InFlightRequest? flight, bool failed = false)
    {
        if (flight is not null)
        {
            InFlight.TryRemove(new KeyValuePair<string, InFlightRequest>(key, flight));
            flight.FarmLease?.Release();
            if (failed)
            {
                flight.Fail();
            }
            else
            {
                flight.Decline();
            }
        }
    }

    /// <summary>Gets a token cancelled when the application stops (the service provider is disposed).</summary>
    public CancellationToken Stopping => _stoppingToken;

    /// <summary>Gets the number of requests now waiting for another's origin response (for tests).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Whether <paramref name="key"/>'s last answer could not be stored, less than <see cref="PassDuration"/> ago.</summary>
    public bool IsPass(string key, DateTimeOffset now)
    {
        if (_passes.IsEmpty || !_passes.TryGetValue(key, out var until))
        {
            return false;
        }

        if (now.UtcTicks < until)
        {
            return true;
        }

        if (_passes.TryRemove(new KeyValuePair<string, long>(key, until)))
        {
            Interlocked.Decrement(ref _passCount);
        }

        return false;
    }

    /// <summary>
    /// Remembers that <paramref name="key"/>'s answer could not be stored, within <see cref="MaxPasses"/> keys. A key
    /// already remembered is updated in place (a <see cref="long"/> value is written without a new node).
    /// </summary>
    public void RememberPass(string key, DateTimeOffset now)
    {
        var until = (now + PassDuration).UtcTicks;
        if (_passes.ContainsKey(key))
        {
            _passes[key] = until;
            return;
        }

        if (Volatile.Read(ref _passCount) >= MaxPasses)
        {
            foreach (var pass in _passes)
            {
                if (pass.Value <= now.UtcTicks && _passes.TryRemove(pass))
                {
                    Interlocked.Decrement(ref _passCount);
                }
            }

            if (Volatile.Read(ref _passCount) >= MaxPasses)
            {
                return;
            }
        }

        if (_passes.TryAdd(key, until))
        {
            Interlocked.Increment(ref _passCount);
        }
        else
        {
            _passes[key] = until;
        }
    }

    /// <summary>Forgets the pass of <paramref name="key"/>: its answer is being stored.</summary>
    public void ForgetPass(string key)
    {
        if (!_passes.IsEmpty && _passes.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref _passCount);
        }
    }

    public void EnterWaiting() => Interlocked.Increment(ref _waiting);

    public void ExitWaiting() => Interlocked.Decrement(ref _waiting);

    /// <summary>
    /// Claims the background revalidation of <paramref name="key"/>: false when one is already running for it, when
    /// <see cref="MaxBackgroundRevalidations"/> are running, or when the application is stopping.
    /// </summary>
    public bool TryStartRevalidation(string key, Func<Task> start)
    {
        if (_stoppingToken.IsCancellationRequested)
        {
            return false;
        }

        if (Interlocked.Increment(ref _running) > MaxBackgroundRevalidations)
        {
            Interlocked.Decrement(ref _running);
            return false;
        }

        var placeholder = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_revalidations.TryAdd(key, placeholder.Task))
        {
            Interlocked.Decrement(ref _running);
            return false;
        }

        Task task;
        try
        {
            task = start();
        }
        catch (Exception)
        {
            // Nothing started: the stale response is served all the same.
            Finish(key, placeholder);
            return false;
        }

        _revalidations[key] = task;
        task.ContinueWith(
            static (t, state) =>
            {
                var (cache, key, placeholder) = ((ClientCache, string, TaskCompletionSource))state!;
                _ = t.Exception; // observed: the revalidation logs its own failures
                cache._revalidations.TryRemove(new KeyValuePair<string, Task>(key, t));
                cache.Finish(key, placeholder);
            },
            (this, key, placeholder),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return true;
    }

    private void Finish(string key, TaskCompletionSource placeholder)
    {
        _revalidations.TryRemove(new KeyValuePair<string, Task>(key, placeholder.Task));
        placeholder.TrySetResult();
        Interlocked.Decrement(ref _running);
    }

    /// <summary>Waits until no background revalidation is running (for tests and shutdown).</summary>
    public async Task WhenRevalidationsIdleAsync()
    {
        while (!_revalidations.IsEmpty)
        {
            await Task.WhenAll(_revalidations.Values).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the background revalidations and disposes the store it owns; a second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _stopping.Dispose();
        if (_ownsStore)
        {
            (Store as IDisposable)?.Dispose();
        }
    }
}
