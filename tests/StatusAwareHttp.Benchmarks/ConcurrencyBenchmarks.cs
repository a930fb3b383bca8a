using BenchmarkDotNet.Attributes;

namespace StatusAwareHttp.Benchmarks;

/// <summary>100 concurrent identical GETs of a slow (10 ms) resource: coalesced by the cache, or not.</summary>
[MemoryDiagnoser]
public class ConcurrencyBenchmarks
{
    private const int Callers = 100;
    private BenchOrigin _origin = null!;
    private Clients _clients = null!;
    private long _unique;
    private long _coalescedOps;
    private long _coalescedOriginRequests;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _origin = await BenchOrigin.StartAsync();
        _clients = new Clients(_origin.BaseAddress);
        await RequestBenchmarks.GetAsync(_clients.Bare, "/slow?warm");
        await RequestBenchmarks.GetAsync(_clients.Status, "/slow?warm");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_coalescedOps > 0)
        {
            Console.WriteLine($"// coalescing: {(double)_coalescedOriginRequests / _coalescedOps:F2} origin requests per {Callers} concurrent identical GETs");
        }

        await _clients.DisposeAsync();
        await _origin.DisposeAsync();
    }

    /// <summary>One bare round trip to the slow resource.</summary>
    [Benchmark(Baseline = true)]
    public Task<int> OneBareRoundTrip() => RequestBenchmarks.GetAsync(_clients.Bare, "/slow");

    /// <summary>100 concurrent bare GETs.</summary>
    [Benchmark]
    public Task Bare100Concurrent() => Many(_clients.Bare, "/slow");

    /// <summary>100 concurrent identical GETs through AddStatusHandling (a new URI each time: a miss, shared).</summary>
    [Benchmark]
    public async Task Status100ConcurrentIdentical()
    {
        var before = _origin.Requests;
        await Many(_clients.Status, "/slow?i=" + Interlocked.Increment(ref _unique));
        Interlocked.Add(ref _coalescedOriginRequests, _origin.Requests - before);
        Interlocked.Increment(ref _coalescedOps);
    }

    private static Task Many(HttpClient client, string path)
    {
        var tasks = new Task[Callers];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = RequestBenchmarks.GetAsync(client, path);
        }

        return Task.WhenAll(tasks);
    }
}
