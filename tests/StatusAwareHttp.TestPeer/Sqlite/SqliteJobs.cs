using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace StatusAwareHttp.TestPeer.Sqlite;

/// <summary>
/// The SQLite store's jobs: the peer opens the same cache file as the test process, through the public registration
/// with the test client's name, and does the job named by the mode. It says <c>#ready</c> once the file is open, so
/// the test knows when to act (kill it, start its own writers).
/// </summary>
internal static class SqliteJobs
{
    public static async Task<int> RunAsync(string job, string[] args)
    {
        if (args.Length < 1)
        {
            await Console.Error.WriteLineAsync($"usage: {job} <file> ... (see Program.cs)");
            return 2;
        }

        var path = args[0];
        switch (job)
        {
            case "lifetime":
                // 100 GETs, 20 at a time, then the app ends as <mode> says.
                return await LifetimeJobs.RunAsync(path, new Uri(args[1]), args[2]);
            case "hold":
                return LifetimeJobs.Hold(path);
            case "dispose-held":
                return await LifetimeJobs.DisposeWhileHeldAsync(path, new Uri(args[1]), int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
            case "post-churn":
                return await PostChurnJob.RunAsync(path, new Uri(args[1]), args[2..]);
        }

        await using var provider = new ServiceCollection().AddPeerClient(path).BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(PeerClient.Name);
        var store = provider.GetRequiredKeyedService<IHttpCacheStore>(PeerClient.Name);
        switch (job)
        {
            case "get":
                await GetAsync(client, new Uri(args[1]));
                return 0;
            case "query":
                await QueryAsync(client, new Uri(args[1]), args[2], args[3]);
                return 0;
            case "get-range":
                await GetRangeAsync(client, new Uri(args[1]), args[2]);
                return 0;
            case "download":
                await DownloadAsync(client, new Uri(args[1]), args[2]);
                return 0;
            case "write":
                await WriteAsync(client, store, new Uri(args[1]), args[2], int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture));
                return 0;
            case "churn":
                await ChurnAsync(store, int.Parse(args[1], CultureInfo.InvariantCulture));
                return 0;
            default:
                await Console.Error.WriteLineAsync($"unknown job '{job}'");
                return 2;
        }
    }

    /// <summary>DownloadToFileAsync to <paramref name="path"/> (resumed when a download there was cut); says the file's length and SHA-256, and the bytes fetched.</summary>
    private static async Task DownloadAsync(HttpClient client, Uri url, string path)
    {
        var result = await client.DownloadToFileAsync(url, path, new DownloadOptions { MaxRetries = 0 });
        PeerOutput.Say("length", result.Length);
        PeerOutput.Say("fetched", result.BytesFetched);
        PeerOutput.Say("start", result.StartOffset);
        await using var file = File.OpenRead(path);
        PeerOutput.Say("sha256", Convert.ToHexString(await System.Security.Cryptography.SHA256.HashDataAsync(file)));
    }

    /// <summary>One GET; says its status, Age ("-" without one), Cache-Status ("-" without one) and body.</summary>
    private static async Task GetAsync(HttpClient client, Uri url)
    {
        using var response = await client.GetAsync(url);
        PeerOutput.Say("status", (int)response.StatusCode);
        PeerOutput.Say("age", response.Headers.Age is { } age ? ((long)age.TotalSeconds).ToString(CultureInfo.InvariantCulture) : "-");
        PeerOutput.Say("cache-status", response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : "-");
        PeerOutput.Say("body", await response.Content.ReadAsStringAsync());
    }

    /// <summary>One QUERY (RFC 10008) with <paramref name="content"/> of <paramref name="type"/>; says its status, Cache-Status and body.</summary>
    private static async Task QueryAsync(HttpClient client, Uri url, string type, string content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Query, url) { Content = new StringContent(content, System.Text.Encoding.UTF8, type) };
        using var response = await client.SendAsync(request);
        PeerOutput.Say("status", (int)response.StatusCode);
        PeerOutput.Say("cache-status", response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : "-");
        PeerOutput.Say("body", await response.Content.ReadAsStringAsync());
    }

    /// <summary>One GET with <c>Range</c>; says its status, Content-Range ("-" without one), Cache-Status and the body's SHA-256.</summary>
    private static async Task GetRangeAsync(HttpClient client, Uri url, string range)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await client.SendAsync(request);
        PeerOutput.Say("status", (int)response.StatusCode);
        PeerOutput.Say("content-range", response.Content.Headers.TryGetValues("Content-Range", out var ranges) ? string.Join(", ", ranges) : "-");
        PeerOutput.Say("cache-status", response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : "-");
        PeerOutput.Say("sha256", Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await response.Content.ReadAsByteArrayAsync())));
    }

    /// <summary>
    /// Once the test's go (a line on stdin): <paramref name="writers"/> tasks GET <c>base/n/prefix-i</c> for i below
    /// <paramref name="count"/>, each a distinct key stored in the file; says the number of failed requests.
    /// </summary>
    private static async Task WriteAsync(HttpClient client, IHttpCacheStore store, Uri baseUrl, string prefix, int count, int writers)
    {
        await ReadyAsync(store);
        var next = -1;
        var failed = 0;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                try
                {
                    using var response = await client.GetAsync(new Uri(baseUrl, $"n/{prefix}-{i}"));
                    await response.Content.ReadAsByteArrayAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })));
        PeerOutput.Say("failed", failed);
    }

    /// <summary>
    /// Writes one key again and again, each time a body of <paramref name="size"/> bytes all equal to a generation number
    /// that its X-Fill header also carries, until killed. The background writer makes them one after another (a newer
    /// generation replaces the queued one), so the kill lands inside a write.
    /// </summary>
    private static async Task ChurnAsync(IHttpCacheStore store, int size)
    {
        for (var generation = 1; ; generation++)
        {
            var fill = (byte)(generation % 251);
            var body = new byte[size];
            Array.Fill(body, fill);
            var now = DateTimeOffset.UtcNow;
            var entry = new HttpCacheEntry(
                200,
                [new("Cache-Control", "max-age=3600"), new("X-Fill", fill.ToString(CultureInfo.InvariantCulture)), new("Date", now.ToString("R"))],
                body,
                now,
                now,
                []);
            await store.SetAsync("churn", [entry], TimeSpan.FromHours(1), CancellationToken.None);
            if (generation == 1)
            {
                // The first generation is in the file (the writer made it) before the test starts its clock.
                await store.FlushAsync(CancellationToken.None);
                PeerOutput.Signal("ready");
            }
        }
    }

    /// <summary>Opens the file (a lookup of a key nobody stores), says so, and waits for the test's go on stdin.</summary>
    private static async Task ReadyAsync(IHttpCacheStore store)
    {
        await store.GetAsync("peer-open", CancellationToken.None);
        PeerOutput.Signal("ready");
        await Console.In.ReadLineAsync();
    }
}
