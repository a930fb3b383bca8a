using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StatusAwareHttp.TestPeer.Redis;

/// <summary>One instance of a farm: warms up with one GET, then runs the GETs it is told on stdin until stdin ends.</summary>
internal static class FarmMode
{
    public static async Task<int> RunAsync(PeerArguments arguments)
    {
        var redis = arguments.Text("redis");
        var peer = arguments.Text("peer");
        var lease = arguments.Milliseconds("lease");
        var operation = arguments.Milliseconds("op");
        var wait = arguments.Milliseconds("wait");

        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("StatusAwareHttp.Redis", LogLevel.Debug));
        var client = services.AddHttpClient("farm", c => c.DefaultRequestHeaders.Add("X-Peer", peer))
            .AddStatusHandling();
        services.AddHttpClient("plain").AddStatusHandling();
        if (arguments.Text("store", "distributed") == "distributed")
        {
            services.AddStackExchangeRedisCache(o => o.Configuration = redis);
            client.UseDistributedHttpCache();
        }

        if (arguments.Text("coordinate") == "on")
        {
            client.UseRedisCoordination(redis, o =>
            {
                o.LeaseTime = lease ?? o.LeaseTime;
                o.OperationTimeout = operation ?? o.OperationTimeout;
                o.WaitTime = wait ?? o.WaitTime;
            });
        }

        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        if (arguments.Text("prewarm", "off") == "on")
        {
            // The same handlers without the farm, first: the warm-up below then times what the farm adds (not the JIT).
            using var plain = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("plain").GetAsync(new Uri(new Uri(arguments.Text("warmup")), "?prewarm"));
            await plain.Content.ReadAsStringAsync();
        }

        // The first request of the farm's client, made just before it (as an app makes a client where it needs one): the
        // shared store's connection and the coordination's are made here.
        var warming = Stopwatch.StartNew();
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("farm");
        using (var warm = await http.GetAsync(new Uri(arguments.Text("warmup"))))
        {
            await warm.Content.ReadAsStringAsync();
        }

        PeerOutput.Say("ready", warming.ElapsedMilliseconds);
        var running = new List<Task>();
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ');
            if (parts is ["get", var url, var count])
            {
                running.Add(Task.Run(() => BurstAsync(http, new Uri(url), int.Parse(count, CultureInfo.InvariantCulture))));
            }
        }

        await Task.WhenAll(running);
        return 0;
    }

    private static async Task BurstAsync(HttpClient http, Uri url, int count)
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
                    PeerOutput.Say("error", $"status {(int)response.StatusCode}");
                    return false;
                }

                return true;
            }
            catch (Exception ex)
            {
                PeerOutput.Say("error", $"{ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
                return false;
            }
        }));
        PeerOutput.Say("got", string.Create(CultureInfo.InvariantCulture, $"{results.Count(r => r)} {results.Count(r => !r)} {started.ElapsedMilliseconds}"));
    }
}
