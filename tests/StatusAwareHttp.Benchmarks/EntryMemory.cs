using Microsoft.Extensions.DependencyInjection;

namespace StatusAwareHttp.Benchmarks;

/// <summary>
/// Bytes of managed heap per stored 1 KiB response: 100,000 misses that store (a new URI each) through
/// AddStatusHandling, then through <see cref="TrivialCacheHandler"/> (the ceiling: a dictionary of byte arrays), the
/// heap measured after a full blocking GC before and after. Not a BenchmarkDotNet job: run with <c>--entry-memory</c>.
/// </summary>
public static class EntryMemory
{
    public const int Entries = 100_000;

    public static async Task<int> RunAsync()
    {
        await using var origin = await BenchOrigin.StartAsync();
        var services = new ServiceCollection();
        services.AddHttpClient("status", c => c.BaseAddress = origin.BaseAddress)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddStatusHandling(o => o.Cache.MaxTotalBytes = 4L * 1024 * 1024 * 1024);
        var trivialStore = new System.Collections.Concurrent.ConcurrentDictionary<string, byte[]>();
        services.AddHttpClient("trivial-cache", c => c.BaseAddress = origin.BaseAddress)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(() => new TrivialCacheHandler(trivialStore));
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        var status = await MeasureAsync(factory.CreateClient("status"), "s");
        var trivial = await MeasureAsync(factory.CreateClient("trivial-cache"), "t");
        Console.WriteLine($"// memory per stored entry ({BenchOrigin.SmallBodyBytes} B body, {Entries:N0} entries, heap after a full GC):");
        Console.WriteLine($"//   AddStatusHandling memory store: {status:N0} B");
        Console.WriteLine($"//   trivial dictionary (ceiling):   {trivial:N0} B");
        Console.WriteLine($"//   ratio: {status / trivial:F2}");
        GC.KeepAlive(trivialStore);
        return 0;
    }

    private static async Task<double> MeasureAsync(HttpClient client, string prefix)
    {
        // Warm: connection open, code jitted, the first entries' dictionaries grown a little.
        for (var i = 0; i < 1000; i++)
        {
            await RequestBenchmarks.GetAsync(client, $"/fresh?w{prefix}={i}");
        }

        var before = Heap();
        for (var i = 0; i < Entries; i++)
        {
            await RequestBenchmarks.GetAsync(client, $"/fresh?{prefix}={i}");
        }

        var after = Heap();
        GC.KeepAlive(client);
        return (after - before) / (double)Entries;
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
