using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Sqlite;

namespace StatusAwareHttp.TestPeer.Sqlite;

/// <summary>The peer's client, registered as an app would: the test client's name, warnings logged to stdout.</summary>
internal static class PeerClient
{
    /// <summary>The test client's name: entries are kept per client name, and the test process uses "test".</summary>
    public const string Name = "test";

    public static IServiceCollection AddPeerClient(this IServiceCollection services, string path, Action<SqliteHttpCacheOptions>? configure = null)
    {
        services.AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.None));
        services.AddHttpClient(Name).UseSqliteHttpCache(path, o =>
        {
            o.MemoryFrontLifetime = TimeSpan.Zero;
            configure?.Invoke(o);
        });
        return services;
    }

    /// <summary>GETs <paramref name="count"/> distinct URLs (<c>n/prefix-i</c>), <paramref name="concurrency"/> at a time, each body read whole.</summary>
    public static async Task FetchAsync(HttpClient client, Uri baseUrl, string prefix, int count, int concurrency)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                using var response = await client.GetAsync(new Uri(baseUrl, $"n/{prefix}-{i}"));
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }
        })));
    }
}
