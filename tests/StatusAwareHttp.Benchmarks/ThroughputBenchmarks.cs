using BenchmarkDotNet.Attributes;

namespace StatusAwareHttp.Benchmarks;

/// <summary>Throughput: 64 no-store GETs shared by 1 or 16 concurrent callers.</summary>
[MemoryDiagnoser]
public class ThroughputBenchmarks
{
    private const int RequestsPerOp = 64;
    private BenchOrigin _origin = null!;
    private Clients _clients = null!;

    [Params(1, 16)]
    public int Callers { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _origin = await BenchOrigin.StartAsync();
        _clients = new Clients(_origin.BaseAddress);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _clients.DisposeAsync();
        await _origin.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RequestsPerOp)]
    public Task Bare() => Run(_clients.Bare);

    [Benchmark(OperationsPerInvoke = RequestsPerOp)]
    public Task Status() => Run(_clients.Status);

    private Task Run(HttpClient client)
    {
        var perCaller = RequestsPerOp / Callers;
        var tasks = new Task[Callers];
        for (var c = 0; c < Callers; c++)
        {
            tasks[c] = Task.Run(async () =>
            {
                for (var i = 0; i < perCaller; i++)
                {
                    await RequestBenchmarks.GetAsync(client, "/nostore");
                }
            });
        }

        return Task.WhenAll(tasks);
    }
}
