using Microsoft.Extensions.DependencyInjection;

namespace StatusAwareHttp.Benchmarks;

/// <summary>
/// Bytes allocated per GET (the whole process, origin included, so read differences) by path, with the cache handler
/// on and off, to split the pass-through's cost between the cache and the other handlers. Run with <c>--alloc-probe</c>.
/// </summary>
public static class AllocationProbe
{
    private const int Requests = 5_000;

    public static async Task<int> RunAsync()
    {
        await using var origin = await BenchOrigin.StartAsync();
        await using var clients = new Clients(origin.BaseAddress);
        var services = new ServiceCollection();
        services.AddHttpClient("nocache", c => c.BaseAddress = origin.BaseAddress)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddStatusHandling(o => o.Cache.Enabled = false);
        await using var provider = services.BuildServiceProvider();
        var noCache = provider.GetRequiredService<IHttpClientFactory>().CreateClient("nocache");

        var unique = 0;
        var rows = new (string Name, HttpClient Client, Func<string> Path)[]
        {
            ("factory, no-store", clients.Factory, () => "/nostore"),
            ("status, no-store", clients.Status, () => "/nostore"),
            ("status without cache, no-store", noCache, () => "/nostore"),
            ("trivial hit", clients.TrivialCache, () => "/fresh"),
            ("status hit", clients.Status, () => "/fresh"),
            ("trivial revalidation", clients.TrivialRevalidator, () => "/revalidate"),
            ("status revalidation", clients.Status, () => "/revalidate"),
            ("factory, new URI", clients.Factory, () => "/fresh?p=" + ++unique),
            ("status miss that stores", clients.Status, () => "/fresh?p=" + ++unique),
        };
        foreach (var (name, client, path) in rows)
        {
            for (var i = 0; i < 200; i++)
            {
                await RequestBenchmarks.GetAsync(client, path());
            }

            var before = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < Requests; i++)
            {
                await RequestBenchmarks.GetAsync(client, path());
            }

            var bytes = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Requests;
            Console.WriteLine($"// {name,-32} {bytes,8:N0} B per GET");
        }

        return 0;
    }
}
