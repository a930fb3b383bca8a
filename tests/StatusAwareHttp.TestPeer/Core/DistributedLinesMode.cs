using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.TestPeer.Core;

/// <summary>
/// An app instance with <c>UseDistributedHttpCache()</c> on Redis (memory front of the given lifetime) that makes one
/// request per line of stdin, <c>METHOD url</c> (a method other than GET sends the text "change"), and says
/// <c>#result=status body</c> for each, until stdin ends. For the cache groups and query invalidation across processes.
/// </summary>
internal static class DistributedLinesMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 2 || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var frontMs))
        {
            await Console.Error.WriteLineAsync("usage: distributed-lines <redis configuration> <memory front ms>");
            return 2;
        }

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddStackExchangeRedisCache(o => o.Configuration = args[0]);
        services.AddHttpClient("peer").UseDistributedHttpCache(o => o.MemoryFrontLifetime = TimeSpan.FromMilliseconds(frontMs));

        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("peer");
        PeerOutput.Signal("ready");
        while (await Console.In.ReadLineAsync() is { Length: > 0 } line)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var method = new HttpMethod(line[..space]);
            using var request = new HttpRequestMessage(method, new Uri(line[(space + 1)..]));
            if (method != HttpMethod.Get)
            {
                request.Content = new StringContent("change", Encoding.UTF8, "text/plain");
            }

            using var response = await client.SendAsync(request);
            PeerOutput.Say("result", $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return 0;
    }
}
