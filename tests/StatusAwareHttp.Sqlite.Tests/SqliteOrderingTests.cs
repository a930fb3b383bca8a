using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// Three processes store and invalidate (POST) the same URLs on one file. At the end no URL is served fresh from a
/// response older than a POST to it (stale), and none whose last GET came after every POST to it is missing (lost).
/// </summary>
[Collection(nameof(SqliteHeavyTests))]
public sealed class SqliteOrderingTests : IDisposable
{
    private const int Urls = 100;

    private readonly SqliteTestFolder _folder = new();
    private readonly ITestOutputHelper _output;

    public SqliteOrderingTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Three_processes_storing_and_invalidating_one_file_leave_no_stale_and_no_lost_entry()
    {
        var versions = new int[Urls];
        await using var origin = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/v/{i:int}", (HttpContext c, int i) =>
            {
                c.Response.Headers.CacheControl = "max-age=600";
                return Results.Text(string.Create(CultureInfo.InvariantCulture, $"{Volatile.Read(ref versions[i])}"));
            });
            app.MapPost("/v/{i:int}", (int i) =>
            {
                Interlocked.Increment(ref versions[i]);
                return Results.NoContent();
            });
        });

        var peers = Enumerable.Range(1, 3)
            .Select(seed => PeerProcess.Start("post-churn", _folder.File(), origin.BaseAddress.ToString(), seed.ToString(CultureInfo.InvariantCulture), Urls.ToString(CultureInfo.InvariantCulture), "500", "4"))
            .ToArray();
        try
        {
            foreach (var peer in peers)
            {
                await peer.WaitForValueAsync("ready");
            }

            foreach (var peer in peers)
            {
                await peer.SendLineAsync("go");
            }

            var events = new List<string[]>();
            foreach (var peer in peers)
            {
                var run = (await peer.WaitForExitAsync()).AssertUnlocked();
                events.AddRange(run.Values("get").Select(v => ("G " + v).Split(' ')));
                events.AddRange(run.Values("post").Select(v => ("P " + v).Split(' ')));
            }

            // Per URL: the last POST's end, and whether a GET sent after it brought the final version.
            var lastPost = new long[Urls];
            foreach (var e in events.Where(e => e[0] == "P"))
            {
                var url = int.Parse(e[1], CultureInfo.InvariantCulture);
                lastPost[url] = Math.Max(lastPost[url], long.Parse(e[2], CultureInfo.InvariantCulture));
            }

            // A GET that went to the origin itself after the last POST (not a hit, not collapsed into an earlier request
            // whose request time may precede that POST: the store rightly refuses a response older than an invalidation).
            var mustBeStored = events
                .Where(e => e[0] == "G" && e[4] == "1")
                .Select(e => (Url: int.Parse(e[1], CultureInfo.InvariantCulture), Sent: long.Parse(e[2], CultureInfo.InvariantCulture), Version: int.Parse(e[3], CultureInfo.InvariantCulture)))
                .Where(g => g.Sent > lastPost[g.Url] && g.Version == versions[g.Url])
                .Select(g => g.Url)
                .ToHashSet();

            await using var reader = TestClient.Create(builder: b => b.UseSqliteHttpCache(_folder.File(), o => o.MemoryFrontLifetime = TimeSpan.Zero));
            var stale = new List<string>();
            var lost = new List<int>();
            for (var url = 0; url < Urls; url++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, origin.Url($"/v/{url}"));
                request.Headers.CacheControl = new() { OnlyIfCached = true };
                using var response = await reader.Client.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var stored = int.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
                    if (stored < versions[url])
                    {
                        stale.Add($"{url}: v{stored} of v{versions[url]}");
                    }
                }
                else if (mustBeStored.Contains(url))
                {
                    lost.Add(url);
                }
            }

            var figures = $"{events.Count} exchanges, {events.Count(e => e[0] == "P")} POSTs, {mustBeStored.Count} URLs whose last GET followed every POST; "
                + $"stale {stale.Count} [{string.Join("; ", stale)}], lost {lost.Count} [{string.Join(", ", lost)}]";
            _output.WriteLine(figures);
            Assert.True(stale.Count == 0 && lost.Count == 0, figures);
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer.Dispose();
            }
        }
    }
}
