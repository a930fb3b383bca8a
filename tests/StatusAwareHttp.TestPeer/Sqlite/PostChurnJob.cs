using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace StatusAwareHttp.TestPeer.Sqlite;

/// <summary>
/// GETs and POSTs (invalidations) on a set of URLs, on the file other processes churn too. Each exchange is said
/// with the time (UTC ticks, the store's clock) that bounds it for the test's verdict: a GET with the time before it
/// was sent and whether it went to the origin itself (<c>#get=url ticks body own</c>: 1 when the cache forwarded this
/// very request, 0 for a hit or a response collapsed into another request's, whose request time may precede the send),
/// a POST with the time after its response came (<c>#post=url ticks</c>).
/// </summary>
internal static class PostChurnJob
{
    public static async Task<int> RunAsync(string path, Uri baseUrl, string[] args)
    {
        var seed = int.Parse(args[0], CultureInfo.InvariantCulture);
        var urls = int.Parse(args[1], CultureInfo.InvariantCulture);
        var operations = int.Parse(args[2], CultureInfo.InvariantCulture);
        var tasks = int.Parse(args[3], CultureInfo.InvariantCulture);
        var events = new ConcurrentQueue<(string Key, string Value)>();
        await using (var provider = new ServiceCollection().AddPeerClient(path).BuildServiceProvider())
        {
            var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(PeerClient.Name);
            PeerOutput.Signal("ready");
            await Console.In.ReadLineAsync();
            var left = operations;
            await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
            {
                var random = new Random((seed * 100) + t);
                while (Interlocked.Decrement(ref left) >= 0)
                {
                    var url = random.Next(urls);
                    var uri = new Uri(baseUrl, $"v/{url}");
                    if (random.Next(4) == 0)
                    {
                        using var posted = await client.PostAsync(uri, null);
                        posted.EnsureSuccessStatusCode();
                        events.Enqueue(("post", string.Create(CultureInfo.InvariantCulture, $"{url} {DateTimeOffset.UtcNow.UtcTicks}")));
                    }
                    else
                    {
                        var sent = DateTimeOffset.UtcNow.UtcTicks;
                        using var response = await client.GetAsync(uri);
                        response.EnsureSuccessStatusCode();
                        var body = await response.Content.ReadAsStringAsync();
                        var own = response.GetCacheStatus() is { Hit: false, Collapsed: false } ? 1 : 0;
                        events.Enqueue(("get", string.Create(CultureInfo.InvariantCulture, $"{url} {sent} {body} {own}")));
                    }
                }
            })));
        }

        // After the provider's disposal: every write and removal of this process is in the file.
        foreach (var (key, value) in events)
        {
            PeerOutput.Say(key, value);
        }

        return 0;
    }
}
