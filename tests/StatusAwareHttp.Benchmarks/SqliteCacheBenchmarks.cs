using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace StatusAwareHttp.Benchmarks;

/// <summary>
/// The persistent SQLite store, 1 KiB bodies, beside a bare loopback round trip (the baseline) in the same run: a
/// fresh hit read from the file with the front off (as in a process that just started: every hit reads the file and
/// makes the entry), a hit through the in-memory front beside the memory store's, and a miss that stores (a unique
/// query each time) beside a bare GET of the same cacheable resource.
/// </summary>
[MemoryDiagnoser]
public class SqliteCacheBenchmarks
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sah-bench-sqlite-" + Guid.NewGuid().ToString("N"));
    private BenchOrigin _origin = null!;
    private ServiceProvider _services = null!;
    private HttpClient _bare = null!;
    private HttpClient _memory = null!;
    private HttpClient _front = null!;
    private HttpClient _file = null!;
    private HttpClient _storing = null!;
    private long _miss;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _origin = await BenchOrigin.StartAsync();
        var origin = _origin.BaseAddress;
        _bare = new HttpClient(new SocketsHttpHandler()) { BaseAddress = origin };
        var services = new ServiceCollection();
        Add(services, "memory").AddStatusHandling();
        Add(services, "front").UseSqliteHttpCache(Path.Combine(_folder, "front.db"), o => o.MemoryFrontLifetime = TimeSpan.FromHours(1));
        Add(services, "file").UseSqliteHttpCache(Path.Combine(_folder, "file.db"), o => o.MemoryFrontLifetime = TimeSpan.Zero);
        Add(services, "storing").UseSqliteHttpCache(Path.Combine(_folder, "storing.db"), o => o.MemoryFrontLifetime = TimeSpan.Zero);
        _services = services.BuildServiceProvider();
        var factory = _services.GetRequiredService<IHttpClientFactory>();
        (_memory, _front, _file, _storing) = (factory.CreateClient("memory"), factory.CreateClient("front"), factory.CreateClient("file"), factory.CreateClient("storing"));

        await RequestBenchmarks.GetAsync(_bare, "/nostore");
        foreach (var client in new[] { _memory, _front, _file, _storing })
        {
            await RequestBenchmarks.GetAsync(client, "/fresh");
        }

        var before = _origin.Requests;
        await RequestBenchmarks.GetAsync(_file, "/fresh");
        if (_origin.Requests != before)
        {
            throw new InvalidOperationException("the /fresh entry is not served from the file");
        }

        IHttpClientBuilder Add(IServiceCollection s, string name) =>
            s.AddHttpClient(name, c => c.BaseAddress = origin)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _bare.Dispose();
        await _services.DisposeAsync();
        await _origin.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Bare HttpClient, GET of a 1 KiB no-store body: a loopback round trip to the origin.</summary>
    [Benchmark(Baseline = true)]
    public Task<int> BareRoundTrip() => RequestBenchmarks.GetAsync(_bare, "/nostore");

    /// <summary>Bare HttpClient, GET of the cacheable 1 KiB body with a unique query: what the storing miss sends.</summary>
    [Benchmark]
    public Task<int> BareGetCacheable() => RequestBenchmarks.GetAsync(_bare, Unique());

    /// <summary>A fresh 1 KiB hit of the default memory store (AddStatusHandling()).</summary>
    [Benchmark]
    public Task<int> MemoryStoreHit() => RequestBenchmarks.GetAsync(_memory, "/fresh");

    /// <summary>A fresh 1 KiB hit of the SQLite store's in-memory front.</summary>
    [Benchmark]
    public Task<int> SqliteFrontHit() => RequestBenchmarks.GetAsync(_front, "/fresh");

    /// <summary>A fresh 1 KiB hit read from the SQLite file (front off, as when the process has just started).</summary>
    [Benchmark]
    public Task<int> SqliteFileHit() => RequestBenchmarks.GetAsync(_file, "/fresh");

    /// <summary>A miss that goes to the origin and stores the 1 KiB response in the file (one transaction).</summary>
    [Benchmark]
    public Task<int> SqliteMissThatStores() => RequestBenchmarks.GetAsync(_storing, Unique());

    private string Unique() => "/fresh?i=" + Interlocked.Increment(ref _miss).ToString(CultureInfo.InvariantCulture);
}
