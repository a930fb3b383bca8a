// One app instance of a farm for the Redis coordination tests, started by them as "dotnet StatusAwareHttp.Redis.Peer.dll":
// a client "farm" with UseDistributedHttpCache() on Redis and, when asked, UseRedisCoordination() on the same server.
//
//   args: <redis configuration> <on|off> <peer id> <lease ms> <warm-up url>
//   stdin: "get <url> <n>" (n concurrent GETs, each body read whole), one command per line, run as they come
//   stdout: "#ready" once warmed up, "#got <ok> <failed> <ms>" per command, "#error <type>: <message>" per failure
//           (among the logs, which start otherwise)
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

if (args.Length != 5)
{
    await Console.Error.WriteLineAsync("usage: StatusAwareHttp.Redis.Peer <redis configuration> <on|off> <peer id> <lease ms> <warm-up url>");
    return 2;
}

var (redis, coordinate, peer, leaseMs) = (args[0], args[1] == "on", args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
var output = new Lock();
void Say(string line)
{
    lock (output)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }
}

var services = new ServiceCollection();
services.AddLogging(logging => logging
    .AddSimpleConsole(o => o.SingleLine = true)
    .SetMinimumLevel(LogLevel.Information)
    .AddFilter("StatusAwareHttp.Redis", LogLevel.Debug));
services.AddStackExchangeRedisCache(o => o.Configuration = redis);
var client = services.AddHttpClient("farm", c => c.DefaultRequestHeaders.Add("X-Peer", peer))
    .AddStatusHandling()
    .UseDistributedHttpCache();
if (coordinate)
{
    client.UseRedisCoordination(redis, o => o.LeaseTime = TimeSpan.FromMilliseconds(leaseMs));
}

await using var provider = services.BuildServiceProvider();
provider.GetRequiredService<IStartupValidator>().Validate();
var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("farm");

// Warms up: the shared store's connection and the coordination's (the lease, its subscription) are made here.
using (var warm = await http.GetAsync(new Uri(args[4])))
{
    await warm.Content.ReadAsStringAsync();
}

Say("#ready");
var running = new List<Task>();
while (await Console.In.ReadLineAsync() is { } line)
{
    var parts = line.Split(' ');
    if (parts is ["get", var url, var count])
    {
        running.Add(Task.Run(() => BurstAsync(new Uri(url), int.Parse(count, CultureInfo.InvariantCulture))));
    }
}

await Task.WhenAll(running);
return 0;

async Task BurstAsync(Uri url, int count)
{
    var started = Stopwatch.StartNew();
    var results = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
    {
        try
        {
            using var response = await http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode || body.Length == 0)
            {
                Say($"#error status {(int)response.StatusCode}");
                return false;
            }

            return true;
        }
        catch (Exception ex)
        {
            Say($"#error {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
            return false;
        }
    }));
    Say(string.Create(CultureInfo.InvariantCulture, $"#got {results.Count(r => r)} {results.Count(r => !r)} {started.ElapsedMilliseconds}"));
}
