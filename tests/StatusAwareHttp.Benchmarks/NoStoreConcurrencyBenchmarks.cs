using BenchmarkDotNet.Attributes;

namespace StatusAwareHttp.Benchmarks;

/// <summary>
/// 16 concurrent GETs of a no-store resource that takes 20 ms, through the cache, against one round trip of a plain
/// factory client: once the cache knows the resource cannot be stored (hit-for-pass) it must not serialise them.
/// </summary>
[MemoryDiagnoser]
public class NoStoreConcurrencyBenchmarks
{
    private const int Callers = 16;
    private BenchOrigin _origin = null!;
    private Clients _clients = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _origin = await BenchOrigin.StartAsync();
        _clients = new Clients(_origin.BaseAddress);
        await Many(_clients.Factory, Callers);
        await Many(_clients.Status, Callers);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _clients.DisposeAsync();
        await _origin.DisposeAsync();
    }

    /// <summary>One round trip to the 20 ms no-store resource through a plain factory client.</summary>
    [Benchmark(Baseline = true)]
    public Task FactoryOneRoundTrip() => RequestBenchmarks.GetAsync(_clients.Factory, "/slow-nostore");

    /// <summary>16 concurrent GETs of it through a plain factory client.</summary>
    [Benchmark]
    public Task Factory16Concurrent() => Many(_clients.Factory, Callers);

    /// <summary>16 concurrent GETs of it through AddStatusHandling.</summary>
    [Benchmark]
    public Task Status16Concurrent() => Many(_clients.Status, Callers);

    private static Task Many(HttpClient client, int count)
    {
        var tasks = new Task[count];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = RequestBenchmarks.GetAsync(client, "/slow-nostore");
        }

        return Task.WhenAll(tasks);
    }
}
