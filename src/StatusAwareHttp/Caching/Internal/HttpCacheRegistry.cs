using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The cache state of every client name, a DI singleton: <c>IHttpClientFactory</c> rebuilds handler chains every few
/// minutes, so the store, the requests in flight and the background revalidations belong to the client name and
/// outlive the handlers that use them.
/// </summary>
internal sealed class HttpCacheRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, ClientCache> _clients = new(StringComparer.Ordinal);
    private readonly IServiceProvider _services;
    private readonly TimeProvider _timeProvider;
    private readonly CacheMetrics _metrics;
    private readonly Lock _lock = new();
    private bool _disposed;

    public HttpCacheRegistry(IServiceProvider services, TimeProvider timeProvider, CacheMetrics metrics)
    {
        _services = services;
        _timeProvider = timeProvider;
        _metrics = metrics;
    }

    /// <summary>
    /// Gets the state of <paramref name="clientName"/>, made on first use: its store is the <see cref="IHttpCacheStore"/>
    /// registered as a keyed service under the client name, else a memory store with the client's limits.
    /// </summary>
    public ClientCache Get(string clientName, CacheOptions options)
    {
        if (_clients.TryGetValue(clientName, out var client))
        {
            return client;
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_clients.TryGetValue(clientName, out client))
            {
                return client;
            }

            var keyed = (_services as IKeyedServiceProvider)?.GetKeyedService(typeof(IHttpCacheStore), clientName) as IHttpCacheStore;
            client = keyed is not null
                ? new ClientCache(clientName, keyed, ownsStore: false)
                : new ClientCache(clientName, new MemoryHttpCacheStore(options.MaxTotalBytes, _timeProvider, _metrics.For(clientName)), ownsStore: true);
            _clients[clientName] = client;
            return client;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}

/// <summary>One client name's cache state: its store, its requests in flight, its background revalidations.</summary>
internal sealed class ClientCache : IDisposable
{
    /// <summary>At most this many background revalidations run at once per client; beyond it the stale response is just served.</summary>
    public const int MaxBackgroundRevalidations = 16;

    private readonly ConcurrentDictionary<string, Task> _revalidations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stoppingToken;
    private readonly bool _ownsStore;
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

    public IHttpCacheStore Store { get; }

    /// <summary>Gets the requests on their way to the origin that identical requests may join, by cache key.</summary>
    public ConcurrentDictionary<string, InFlightRequest> InFlight { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets a token cancelled when the application stops (the registry is disposed).</summary>
    public CancellationToken Stopping => _stoppingToken;

    /// <summary>Gets the number of requests now waiting for another's origin response (for tests).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

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

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        if (_ownsStore)
        {
            (Store as IDisposable)?.Dispose();
        }
    }
}
