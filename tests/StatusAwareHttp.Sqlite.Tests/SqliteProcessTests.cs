using System.Globalization;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>Two processes on one file: a writer killed (SIGKILL) mid-write, and 16 writers at once.</summary>
public sealed class SqliteProcessTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_process_killed_mid_write_leaves_the_old_entry_or_the_new_one_never_a_torn_one()
    {
        const int Bytes = 4 * 1024 * 1024;
        var seen = new HashSet<string>();
        for (var round = 0; round < 3; round++)
        {
            using (var peer = PeerProcess.Start("churn", _folder.File(), Bytes.ToString(CultureInfo.InvariantCulture)))
            {
                // It writes 4 MiB entries back to back (each one transaction, its body in 64 KiB blob chunks):
                // most of its time is spent inside a write, where the kill lands.
                await peer.WaitForValueAsync("ready");
                await Task.Delay(150 + (round * 170));
                await peer.KillAsync();
            }

            using var store = StoreEntries.Store(_folder.File(), TimeProvider.System);
            var entries = await store.GetAsync("churn", default);
            Assert.True(entries is not null, $"round {round}: the entry is gone (neither the old nor the new one)");
            var entry = Assert.Single(entries);
            var fill = byte.Parse(entry.Headers.Single(h => h.Key == "X-Fill").Value, CultureInfo.InvariantCulture);
            Assert.Equal(Bytes, entry.Body.Length);
            Assert.True(entry.Body.Span.IndexOfAnyExcept(fill) < 0, $"round {round}: a body of generation {fill} holds other bytes");
            seen.Add(entry.Headers.Single(h => h.Key == "X-Fill").Value);
        }

        Assert.NotEmpty(seen);
    }

    [Fact]
    public async Task Another_process_serves_an_entry_once_the_writer_made_it_while_this_one_still_runs()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        await using var local = TestClient.Create(builder: b => b.UseSqliteHttpCache(_folder.File(), o => o.MemoryFrontLifetime = TimeSpan.Zero));
        (await local.Client.GetAsync(origin.Url("/aged"))).Dispose();

        // The signal that it is in the file: the app's flush (IHttpCache.FlushAsync), not a delay.
        await local.Services.GetRequiredKeyedService<StatusAwareHttp.IHttpCache>(TestClient.Name).FlushAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));

        var aged = (await PeerProcess.RunAsync("get", _folder.File(), origin.Url("/aged").ToString())).AssertUnlocked();
        Assert.Equal("200", aged.Value("status"));
        Assert.Contains("detail=disk", aged.Value("cache-status"), StringComparison.Ordinal);
        Assert.Equal(1, origin.CountFor("/aged"));
    }

    [Fact]
    public async Task Another_process_serves_a_QUERY_entry_from_the_file_by_its_content_and_misses_other_content()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        await using var local = TestClient.Create(builder: b => b.UseSqliteHttpCache(_folder.File(), o => o.MemoryFrontLifetime = TimeSpan.Zero));
        using (var request = new HttpRequestMessage(HttpMethod.Query, origin.Url("/search")) { Content = new StringContent("{\"q\":\"a\"}", System.Text.Encoding.UTF8, "application/json") })
        {
            (await local.Client.SendAsync(request)).Dispose();
        }

        await local.Services.GetRequiredKeyedService<StatusAwareHttp.IHttpCache>(TestClient.Name).FlushAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));

        // RFC 10008 §2.7: the same content, in another process, is a hit from the file; other content goes to the origin.
        var same = (await PeerProcess.RunAsync("query", _folder.File(), origin.Url("/search").ToString(), "application/json", "{ \"q\" : \"a\" }")).AssertUnlocked();
        Assert.Equal("200", same.Value("status"));
        Assert.Contains("hit", same.Value("cache-status"), StringComparison.Ordinal);
        Assert.Equal("found:{\"q\":\"a\"}", same.Value("body"));
        Assert.Equal(1, origin.CountFor("/search"));

        var other = (await PeerProcess.RunAsync("query", _folder.File(), origin.Url("/search").ToString(), "application/json", "{\"q\":\"b\"}")).AssertUnlocked();
        Assert.Equal("found:{\"q\":\"b\"}", other.Value("body"));
        Assert.Contains("fwd=uri-miss", other.Value("cache-status"), StringComparison.Ordinal);
        Assert.Equal(2, origin.CountFor("/search"));
    }

    [Fact]
    public async Task Sixteen_writers_in_two_processes_lose_no_entry_and_no_caller_sees_a_lock()
    {
        const int PerProcess = 200;
        await using var origin = await SqliteOrigin.StartAsync();
        await using var local = TestClient.Create(builder: b => b.UseSqliteHttpCache(_folder.File(), o => o.MemoryFrontLifetime = TimeSpan.Zero));

        using var peer = PeerProcess.Start("write", _folder.File(), origin.BaseAddress.ToString(), "peer", PerProcess.ToString(CultureInfo.InvariantCulture), "8");
        await peer.WaitForValueAsync("ready");
        await peer.SendLineAsync("go");

        // Eight writers here, eight in the peer, all on one file at once.
        var next = -1;
        var writers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < PerProcess; i = Interlocked.Increment(ref next))
            {
                using var response = await local.Client.GetAsync(origin.Url($"/n/local-{i}"));
                response.EnsureSuccessStatusCode();
                Assert.Equal($"n:local-{i}", await response.Content.ReadAsStringAsync());
            }
        }));
        await Task.WhenAll(writers);
        var run = (await peer.WaitForExitAsync()).AssertUnlocked();
        Assert.Equal("0", run.Value("failed"));

        // Every response of both processes is in the file: served without the origin.
        var before = origin.Requests.Count;
        foreach (var name in Enumerable.Range(0, PerProcess).SelectMany(i => (string[])[$"local-{i}", $"peer-{i}"]))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, origin.Url($"/n/{name}"));
            request.Headers.CacheControl = new() { OnlyIfCached = true };
            using var response = await local.Client.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{name} was lost: {(int)response.StatusCode}");
        }

        Assert.Equal(before, origin.Requests.Count);
        Assert.DoesNotContain(local.Logs.GetSnapshot(), r => r.Message.Contains("locked", StringComparison.OrdinalIgnoreCase) || r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }
}
