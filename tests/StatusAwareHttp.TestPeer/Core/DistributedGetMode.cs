using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.TestPeer.Core;

/// <summary>
/// A fresh app instance with <c>UseDistributedHttpCache()</c> on Redis and the default options, which makes one GET and
/// says what it got, then waits for a line on stdin (or its end) before it exits, so that the test can see the entry
/// written to Redis first (the cache writes it once the body has been read).
/// </summary>
internal static class DistributedGetMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 2)
        {
            await Console.Error.WriteLineAsync("usage: distributed-get <redis configuration> <url>");
            return 2;
        }

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
        services.AddStackExchangeRedisCache(o => o.Configuration = args[0]);
        services.AddHttpClient("peer").UseDistributedHttpCache();

        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("peer");
        using var response = await client.GetAsync(new Uri(args[1]));
        var body = await response.Content.ReadAsStringAsync();
        var cacheStatus = response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : string.Empty;

        PeerOutput.Say("status", (int)response.StatusCode);
        PeerOutput.Say("cache-status", cacheStatus);
        PeerOutput.Say("body", body);
        PeerOutput.Signal("done");
        await Console.In.ReadLineAsync();
        return 0;
    }
}
