using System.Net;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// A response stored by one app instance (a service provider, or a second process) is served by the next on the same
/// file, with its Age and freshness from the stored times (RFC 9111 §4.2.3), and revalidated when stale.
/// </summary>
public sealed class SqliteRestartTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private TestClient Client(TimeProvider time) =>
        TestClient.Create(builder: b => b.UseSqliteHttpCache(_folder.File(), o => o.MemoryFrontLifetime = TimeSpan.Zero), time: time);

    [Fact]
    public async Task A_restarted_app_serves_from_the_file_with_the_age_from_the_stored_times()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        await using (var first = Client(time))
        {
            using var stored = await first.Client.GetAsync(origin.Url("/aged"));
            Assert.Equal("aged", await stored.Content.ReadAsStringAsync());
        }

        // The app restarts 200 s later: a new provider, a new store, the same file.
        time.Advance(TimeSpan.FromSeconds(200));
        await using var second = Client(time);
        using var served = await second.Client.GetAsync(origin.Url("/aged"));

        Assert.Equal(1, origin.CountFor("/aged"));
        Assert.Equal("aged", await served.Content.ReadAsStringAsync());

        // §4.2.3: the origin's Age (100) plus the time resident here (200).
        Assert.Equal(TimeSpan.FromSeconds(300), served.Headers.Age);
        var status = string.Join(", ", served.Headers.GetValues("Cache-Status"));
        Assert.Contains("hit; ttl=3300", status, StringComparison.Ordinal);
        Assert.Contains("detail=disk", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restarted_app_revalidates_a_stale_entry_with_its_validator()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        await using (var first = Client(time))
        {
            using var stored = await first.Client.GetAsync(origin.Url("/tagged"));
            Assert.Equal("tagged", await stored.Content.ReadAsStringAsync());
        }

        time.Advance(TimeSpan.FromSeconds(61));
        await using (var second = Client(time))
        {
            using var revalidated = await second.Client.GetAsync(origin.Url("/tagged"));
            Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
            Assert.Equal("tagged", await revalidated.Content.ReadAsStringAsync());
            Assert.Equal(2, origin.CountFor("/tagged"));
            Assert.Equal("\"t1\"", origin.Requests[^1].Header("If-None-Match"));
        }

        // The 304 refreshed the stored times: a third start within the new minute is a hit.
        time.Advance(TimeSpan.FromSeconds(30));
        await using var third = Client(time);
        using var hit = await third.Client.GetAsync(origin.Url("/tagged"));
        Assert.Equal("tagged", await hit.Content.ReadAsStringAsync());
        Assert.Equal(2, origin.CountFor("/tagged"));
        Assert.Equal(TimeSpan.FromSeconds(30), hit.Headers.Age);
    }

    [Fact]
    public async Task A_second_process_serves_what_the_first_stored_and_revalidates_what_is_stale()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        await using (var first = Client(TimeProvider.System))
        {
            (await first.Client.GetAsync(origin.Url("/aged"))).Dispose();
            (await first.Client.GetAsync(origin.Url("/stale-tagged"))).Dispose();
        }

        var aged = (await PeerProcess.RunAsync("get", _folder.File(), origin.Url("/aged").ToString())).AssertUnlocked();
        Assert.Equal("200", aged.Value("status"));
        Assert.True(long.Parse(aged.Value("age"), System.Globalization.CultureInfo.InvariantCulture) >= 100, $"Age {aged.Value("age")}");
        Assert.Contains("hit", aged.Value("cache-status"), StringComparison.Ordinal);
        Assert.Contains("detail=disk", aged.Value("cache-status"), StringComparison.Ordinal);
        Assert.Equal("aged", aged.Value("body"));
        Assert.Equal(1, origin.CountFor("/aged"));

        var stale = (await PeerProcess.RunAsync("get", _folder.File(), origin.Url("/stale-tagged").ToString())).AssertUnlocked();
        Assert.Equal("200", stale.Value("status"));
        Assert.Equal("stale-tagged", stale.Value("body"));
        Assert.Equal(2, origin.CountFor("/stale-tagged"));
        Assert.Equal("\"s1\"", origin.Requests[^1].Header("If-None-Match"));
    }
}
