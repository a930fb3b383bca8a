using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Caching.Distributed.Internal;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Distributed;

/// <summary>
/// One "instance" of an app: its own service provider, with client "test" on <c>UseDistributedHttpCache()</c> over its
/// own connection to the shared Redis, as each machine of a real deployment would have.
/// </summary>
internal sealed class DistributedInstance : IAsyncDisposable
{
    private DistributedInstance(TestClient client, ControllableDistributedCache? controllable)
    {
        Test = client;
        Controllable = controllable;
        Lookups = new MetricCollector<long>(client.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "StatusAwareHttp", "statusawarehttp.distributed_cache.lookups");
        Failures = new MetricCollector<long>(client.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "StatusAwareHttp", "statusawarehttp.distributed_cache.failures");
        Bypassed = new MetricCollector<long>(client.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "StatusAwareHttp", "statusawarehttp.distributed_cache.bypassed");
    }

    public TestClient Test { get; }

    public HttpClient Client => Test.Client;

    /// <summary>Gets the wrapper around Redis that can fail or hang on demand, when the instance was made with one.</summary>
    public ControllableDistributedCache? Controllable { get; }

    public MetricCollector<long> Lookups { get; }

    public MetricCollector<long> Failures { get; }

    public MetricCollector<long> Bypassed { get; }

    /// <summary>Gets this instance's view of Redis (its IDistributedCache), to look at or damage what is stored.</summary>
    public IDistributedCache Redis => Test.Services.GetRequiredService<IDistributedCache>();

    public DistributedHttpCacheStore Store => (DistributedHttpCacheStore)Test.Services.GetRequiredKeyedService<IHttpCacheStore>(TestClient.Name);

    /// <summary>
    /// Makes an instance on <paramref name="redis"/> and opens its connection (an app's first call connects; tests
    /// should not race that). With <paramref name="controllable"/>, Redis is reached through a
    /// <see cref="ControllableDistributedCache"/>; otherwise registered the documented way, AddStackExchangeRedisCache.
    /// Tests that are not about timeouts get a 2 s operation timeout, so a loaded test machine does not trip the circuit.
    /// </summary>
    public static async Task<DistributedInstance> CreateAsync(
        RedisServer redis,
        Action<DistributedHttpCacheOptions>? configure = null,
        TimeProvider? time = null,
        bool controllable = false)
    {
        ControllableDistributedCache? wrapper = null;
        var client = TestClient.Create(
            builder: b => b.UseDistributedHttpCache(o =>
            {
                o.OperationTimeout = TimeSpan.FromSeconds(2);
                configure?.Invoke(o);
            }),
            services: s =>
            {
                if (controllable)
                {
                    var inner = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = redis.ConnectionString }));
                    wrapper = new ControllableDistributedCache(inner);
                    s.AddSingleton<IDistributedCache>(wrapper);
                }
                else
                {
                    s.AddStackExchangeRedisCache(o => o.Configuration = redis.ConnectionString);
                }
            },
            time: time);
        var instance = new DistributedInstance(client, wrapper);
        await instance.Redis.GetAsync("warm-up");
        return instance;
    }

    /// <summary>The key in Redis of an anonymous GET of <paramref name="uri"/>.</summary>
    public string StoreKey(Uri uri, Action<HttpRequestMessage>? request = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, uri);
        request?.Invoke(message);
        return Store.StoreKey(CacheKeys.ForGet(uri, message.Headers));
    }

    /// <summary>Waits (bounded) until the cache wrote <paramref name="storeKey"/> to Redis: writes end after the body.</summary>
    public async Task<byte[]> WaitStoredAsync(string storeKey)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (await Redis.GetAsync(storeKey) is { } payload)
            {
                return payload;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{storeKey} was not stored in Redis within 10 s");
            }

            await Task.Delay(20);
        }
    }

    public static long Count(MetricCollector<long> collector, string tag, string value) =>
        collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags.GetValueOrDefault(tag), value)).Sum(m => m.Value);

    public async ValueTask DisposeAsync()
    {
        Lookups.Dispose();
        Failures.Dispose();
        Bypassed.Dispose();
        await Test.DisposeAsync();
        (Controllable?.Inner as IDisposable)?.Dispose();
    }
}

/// <summary>An <see cref="IDistributedCache"/> in front of the real one that can fail or hang (ignoring cancellation) on demand.</summary>
internal sealed class ControllableDistributedCache(IDistributedCache inner) : IDistributedCache
{
    private volatile Behaviour _reads;
    private volatile Behaviour _writes;

    public enum Behaviour
    {
        Pass,
        Fail,
        Hang,
    }

    public IDistributedCache Inner { get; } = inner;

    public int Calls;

    /// <summary>Sets how get calls behave.</summary>
    public Behaviour Reads { get => _reads; set => _reads = value; }

    /// <summary>Sets how set and remove calls behave.</summary>
    public Behaviour Writes { get => _writes; set => _writes = value; }

    public byte[]? Get(string key) => throw new NotSupportedException("the store is async only");

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Run(_reads, () => Inner.GetAsync(key, token));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw new NotSupportedException("the store is async only");

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        Run(_writes, async () =>
        {
            await Inner.SetAsync(key, value, options, token);
            return true;
        });

    public void Refresh(string key) => throw new NotSupportedException("the store never refreshes");

    public Task RefreshAsync(string key, CancellationToken token = default) => throw new NotSupportedException("the store never refreshes");

    public void Remove(string key) => throw new NotSupportedException("the store is async only");

    public Task RemoveAsync(string key, CancellationToken token = default) =>
        Run(_writes, async () =>
        {
            await Inner.RemoveAsync(key, token);
            return true;
        });

    private Task<T> Run<T>(Behaviour behaviour, Func<Task<T>> call)
    {
        Interlocked.Increment(ref Calls);
        return behaviour switch
        {
            Behaviour.Fail => Task.FromException<T>(new InvalidOperationException("Redis is down (simulated)")),
            Behaviour.Hang => new TaskCompletionSource<T>().Task,
            _ => call(),
        };
    }
}
