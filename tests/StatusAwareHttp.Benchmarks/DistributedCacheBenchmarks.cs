using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Caching.Distributed.Internal;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Benchmarks;

/// <summary>
/// A fresh 1 KiB hit of the shared cache (issue 8): from Redis on loopback (front off: every hit reads Redis and
/// deserialises), and from the in-memory front; against a bare loopback round trip to the origin and a hit of the plain
/// memory store, in the same run. Starts its own redis-server; Program.cs leaves the class out when it is not installed.
/// </summary>
[MemoryDiagnoser]
public class DistributedCacheBenchmarks
{
    private RedisServer _redis = null!;
    private BenchOrigin _origin = null!;
    private ServiceProvider _services = null!;
    private HttpClient _bare = null!;
    private HttpClient _memory = null!;
    private HttpClient _front = null!;
    private HttpClient _redisOnly = null!;
    private long _originBefore;
    private IDistributedCache _distributed = null!;
    private DistributedHttpCacheStore _store = null!;
    private string _cacheKey = null!;
    private string _storeKey = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _redis = await RedisServer.StartAsync();
        _origin = await BenchOrigin.StartAsync();
        var origin = _origin.BaseAddress;
        _bare = new HttpClient(new SocketsHttpHandler()) { BaseAddress = origin };

        var services = new ServiceCollection();
        services.AddStackExchangeRedisCache(o => o.Configuration = _redis.ConnectionString);
        services.AddHttpClient("memory", c => c.BaseAddress = origin)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddStatusHandling();
        services.AddHttpClient("front", c => c.BaseAddress = origin)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .UseDistributedHttpCache(o => o.MemoryFrontLifetime = TimeSpan.FromHours(1));
        services.AddHttpClient("redis", c => c.BaseAddress = origin)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .UseDistributedHttpCache(o => o.MemoryFrontLifetime = TimeSpan.Zero);
        _services = services.BuildServiceProvider();
        var factory = _services.GetRequiredService<IHttpClientFactory>();
        _memory = factory.CreateClient("memory");
        _front = factory.CreateClient("front");
        _redisOnly = factory.CreateClient("redis");

        await RequestBenchmarks.GetAsync(_bare, "/nostore");
        foreach (var client in new[] { _memory, _front, _redisOnly })
        {
            await RequestBenchmarks.GetAsync(client, "/fresh");
        }

        // The Redis client's entry is written once its body is read: wait until its hits no longer reach the origin.
        for (var i = 0; i < 100; i++)
        {
            var before = _origin.Requests;
            await RequestBenchmarks.GetAsync(_redisOnly, "/fresh");
            if (_origin.Requests == before)
            {
                break;
            }

            await Task.Delay(20);
        }

        _originBefore = _origin.Requests;
        _distributed = _services.GetRequiredService<IDistributedCache>();
        _store = (DistributedHttpCacheStore)_services.GetRequiredKeyedService<IHttpCacheStore>("redis");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(origin, "/fresh"));
        _cacheKey = CacheKeys.ForGet(request.RequestUri!, request.Headers);
        _storeKey = _store.StoreKey(_cacheKey);
        if (await _distributed.GetAsync(_storeKey) is null || await _store.GetAsync(_cacheKey, default) is null)
        {
            throw new InvalidOperationException("the /fresh entry is not in Redis");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        // Every hit below was a hit: the origin saw only the bare round trips.
        Console.WriteLine($"// origin requests during the run: {_origin.Requests - _originBefore} (the bare round trips only)");
        _bare.Dispose();
        await _services.DisposeAsync();
        await _origin.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>Bare HttpClient, GET of a 1 KiB no-store body: a loopback round trip to the origin.</summary>
    [Benchmark(Baseline = true)]
    public Task<int> BareRoundTrip() => RequestBenchmarks.GetAsync(_bare, "/nostore");

    /// <summary>A fresh 1 KiB hit of the default memory store (AddStatusHandling()).</summary>
    [Benchmark]
    public Task<int> MemoryStoreHit() => RequestBenchmarks.GetAsync(_memory, "/fresh");

    /// <summary>A fresh 1 KiB hit of the distributed cache's in-memory front.</summary>
    [Benchmark]
    public Task<int> DistributedFrontHit() => RequestBenchmarks.GetAsync(_front, "/fresh");

    /// <summary>A fresh 1 KiB hit read from Redis on loopback (front off): one Redis round trip and a deserialisation.</summary>
    [Benchmark]
    public Task<int> DistributedRedisHit() => RequestBenchmarks.GetAsync(_redisOnly, "/fresh");

    /// <summary>For reference: the IDistributedCache (RedisCache) get of that entry's bytes alone, no HTTP.</summary>
    [Benchmark]
    public async Task<int> RedisCacheGetOnly() => (await _distributed.GetAsync(_storeKey))!.Length;

    /// <summary>For reference: the store's lookup alone (key hash, timeout, Redis get, reading the format), no HTTP.</summary>
    [Benchmark]
    public async Task<int> StoreGetOnly() => (await _store.GetAsync(_cacheKey, default))!.Count;
}
