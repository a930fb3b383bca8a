using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace StatusAwareHttp.Benchmarks;

/// <summary>
/// Each hot path of the cache beside its ceiling or baseline in the same run, at 1 and 16 concurrent callers sharing
/// 64 GETs of a 1 KiB body (figures are per GET): pass-through against the plain factory client, a fresh hit against
/// <see cref="TrivialCacheHandler"/>, a 304 against <see cref="TrivialRevalidatingHandler"/>, a miss that stores
/// against a plain factory GET of a new URI. Every client comes from the same IHttpClientFactory; the ratio column
/// compares each row with the baseline of its category.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class CeilingBenchmarks
{
    private const int RequestsPerOp = 64;
    private BenchOrigin _origin = null!;
    private Clients _clients = null!;
    private long _unique;

    [Params(1, 16)]
    public int Callers { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _origin = await BenchOrigin.StartAsync();
        _clients = new Clients(_origin.BaseAddress);
        foreach (var client in new[] { _clients.Factory, _clients.Status, _clients.TrivialCache, _clients.TrivialRevalidator })
        {
            await RequestBenchmarks.GetAsync(client, "/nostore");
        }

        await RequestBenchmarks.GetAsync(_clients.Status, "/fresh");
        await RequestBenchmarks.GetAsync(_clients.TrivialCache, "/fresh");
        await RequestBenchmarks.GetAsync(_clients.Status, "/revalidate");
        await RequestBenchmarks.GetAsync(_clients.TrivialRevalidator, "/revalidate");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _clients.DisposeAsync();
        await _origin.DisposeAsync();
    }

    [BenchmarkCategory("1 pass-through"), Benchmark(Baseline = true, OperationsPerInvoke = RequestsPerOp)]
    public Task FactoryNoStore() => Run(_clients.Factory, static _ => "/nostore");

    [BenchmarkCategory("1 pass-through"), Benchmark(OperationsPerInvoke = RequestsPerOp)]
    public Task StatusNoStore() => Run(_clients.Status, static _ => "/nostore");

    [BenchmarkCategory("2 fresh hit"), Benchmark(Baseline = true, OperationsPerInvoke = RequestsPerOp)]
    public Task TrivialHit() => Run(_clients.TrivialCache, static _ => "/fresh");

    [BenchmarkCategory("2 fresh hit"), Benchmark(OperationsPerInvoke = RequestsPerOp)]
    public Task StatusHit() => Run(_clients.Status, static _ => "/fresh");

    [BenchmarkCategory("3 revalidation 304"), Benchmark(Baseline = true, OperationsPerInvoke = RequestsPerOp)]
    public Task TrivialRevalidation() => Run(_clients.TrivialRevalidator, static _ => "/revalidate");

    [BenchmarkCategory("3 revalidation 304"), Benchmark(OperationsPerInvoke = RequestsPerOp)]
    public Task StatusRevalidation() => Run(_clients.Status, static _ => "/revalidate");

    [BenchmarkCategory("4 miss that stores"), Benchmark(Baseline = true, OperationsPerInvoke = RequestsPerOp)]
    public Task FactoryNewUri() => Run(_clients.Factory, NewUri);

    [BenchmarkCategory("4 miss that stores"), Benchmark(OperationsPerInvoke = RequestsPerOp)]
    public Task StatusMissThatStores() => Run(_clients.Status, NewUri);

    private string NewUri(int caller) => "/fresh?i=" + Interlocked.Increment(ref _unique);

    private Task Run(HttpClient client, Func<int, string> path)
    {
        if (Callers == 1)
        {
            return Serial(client, path, RequestsPerOp);
        }

        var tasks = new Task[Callers];
        for (var c = 0; c < Callers; c++)
        {
            tasks[c] = Task.Run(() => Serial(client, path, RequestsPerOp / Callers));
        }

        return Task.WhenAll(tasks);
    }

    private static async Task Serial(HttpClient client, Func<int, string> path, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await RequestBenchmarks.GetAsync(client, path(i));
        }
    }
}
