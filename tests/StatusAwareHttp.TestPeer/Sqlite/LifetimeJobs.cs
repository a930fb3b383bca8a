using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.TestPeer.Sqlite;

/// <summary>The ways an app on the SQLite store starts and ends: disposed (sync, async, by a host), or not at all.</summary>
internal static class LifetimeJobs
{
    public const int Count = 100;
    public const int Concurrency = 20;

    public static async Task<int> RunAsync(string path, Uri baseUrl, string mode)
    {
        switch (mode)
        {
            case "using":
                {
                    // The README's way: a synchronous dispose of the provider, here after one of the store itself.
                    using var provider = new ServiceCollection().AddPeerClient(path).BuildServiceProvider();
                    await FetchAsync(provider, baseUrl, mode);
                    ((IDisposable)provider.GetRequiredKeyedService<IHttpCacheStore>(PeerClient.Name)).Dispose();
                    return 0;
                }

            case "await-using":
                {
                    await using var provider = new ServiceCollection().AddPeerClient(path).BuildServiceProvider();
                    await FetchAsync(provider, baseUrl, mode);
                    await ((IAsyncDisposable)provider.GetRequiredKeyedService<IHttpCacheStore>(PeerClient.Name)).DisposeAsync();
                    return 0;
                }

            case "host":
                {
                    var builder = Host.CreateApplicationBuilder();
                    builder.Logging.ClearProviders();
                    builder.Services.AddPeerClient(path);
                    using var host = builder.Build();
                    await host.StartAsync();
                    await FetchAsync(host.Services, baseUrl, mode);
                    await host.StopAsync();
                    return 0;
                }

            case "return":
                {
                    // Most console apps: the provider is never disposed; Main returns after the last body.
                    var provider = new ServiceCollection().AddPeerClient(path).BuildServiceProvider();
                    await FetchAsync(provider, baseUrl, mode);
                    return 0;
                }

            case "exit":
                {
                    var provider = new ServiceCollection().AddPeerClient(path).BuildServiceProvider();
                    await FetchAsync(provider, baseUrl, mode);
                    Environment.Exit(0);
                    return 1;
                }

            default:
                await Console.Error.WriteLineAsync($"unknown mode '{mode}'");
                return 2;
        }
    }

    /// <summary>Holds the write lock of the file (a write transaction) until a line (or the end) on stdin.</summary>
    public static int Hold(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 10000; BEGIN IMMEDIATE; UPDATE http_cache_total SET bytes = bytes WHERE id = 0;";
        command.ExecuteNonQuery();
        PeerOutput.Signal("ready");
        Console.In.ReadLine();
        command.CommandText = "ROLLBACK";
        command.ExecuteNonQuery();
        return 0;
    }

    /// <summary>Stores a few responses while another process holds the lock, then disposes and prints how long it took.</summary>
    public static async Task<int> DisposeWhileHeldAsync(string path, Uri baseUrl, int flushMilliseconds, string mode)
    {
        var provider = new ServiceCollection()
            .AddPeerClient(path, o => o.FlushTimeout = TimeSpan.FromMilliseconds(flushMilliseconds))
            .BuildServiceProvider();
        await FetchAsync(provider, baseUrl, "held");
        var clock = Stopwatch.StartNew();
        if (mode == "using")
        {
            provider.Dispose();
        }
        else
        {
            await provider.DisposeAsync();
        }

        PeerOutput.Say("dispose-ms", clock.ElapsedMilliseconds);
        return 0;
    }

    private static async Task FetchAsync(IServiceProvider services, Uri baseUrl, string prefix)
    {
        var clock = Stopwatch.StartNew();
        await PeerClient.FetchAsync(services.GetRequiredService<IHttpClientFactory>().CreateClient(PeerClient.Name), baseUrl, prefix, Count, Concurrency);
        PeerOutput.Say("fetch-ms", clock.ElapsedMilliseconds);
    }
}
