using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Caching;

namespace StatusAwareHttp.Tests.Control;

/// <summary>Request cache modes (the Fetch standard's RequestCache): the pure decision, one row per mode and stored state, then each mode end to end.</summary>
public sealed class CacheModeTests
{
    private static readonly FakeTimeProvider s_time = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private static readonly HeuristicSettings s_heuristic = HeuristicSettings.From(new CacheOptions());

    [Theory]
    [InlineData(HttpCacheMode.Default, "none", "Default")]
    [InlineData(HttpCacheMode.Default, "fresh", "Default")]
    [InlineData(HttpCacheMode.NoStore, "none", "Fetch")]
    [InlineData(HttpCacheMode.NoStore, "fresh", "Fetch")] // the cache is not used at all
    [InlineData(HttpCacheMode.Reload, "none", "Fetch")]
    [InlineData(HttpCacheMode.Reload, "fresh", "Fetch")] // nothing stored is used, not even to validate
    [InlineData(HttpCacheMode.Reload, "stale", "Fetch")]
    [InlineData(HttpCacheMode.NoCache, "none", "Fetch")]
    [InlineData(HttpCacheMode.NoCache, "fresh", "Validate")] // validated even when fresh
    [InlineData(HttpCacheMode.NoCache, "stale", "Validate")]
    [InlineData(HttpCacheMode.ForceCache, "none", "Fetch")]
    [InlineData(HttpCacheMode.ForceCache, "fresh", "Serve")]
    [InlineData(HttpCacheMode.ForceCache, "stale", "Serve")] // whatever its age
    [InlineData(HttpCacheMode.ForceCache, "must-revalidate", "Serve")]
    [InlineData(HttpCacheMode.ForceCache, "no-cache", "Serve")]
    [InlineData(HttpCacheMode.OnlyIfCached, "none", "GatewayTimeout")] // never the network
    [InlineData(HttpCacheMode.OnlyIfCached, "fresh", "Serve")]
    [InlineData(HttpCacheMode.OnlyIfCached, "stale", "Serve")]
    public void Each_mode_decides_by_what_is_stored(HttpCacheMode mode, string stored, string expected)
    {
        var entry = stored switch
        {
            "none" => null,
            "must-revalidate" => CacheStrategyTests.Entry(200, "Cache-Control: max-age=60, must-revalidate|ETag: \"a\""),
            "no-cache" => CacheStrategyTests.Entry(200, "Cache-Control: no-cache|ETag: \"a\""),
            _ => CacheStrategyTests.Entry(200, "Cache-Control: max-age=60|ETag: \"a\""),
        };
        var now = s_time.GetUtcNow() + (stored is "stale" or "must-revalidate" ? TimeSpan.FromSeconds(600) : TimeSpan.FromSeconds(10));

        var (action, lookup) = CacheModes.Decide(mode, entry, CacheDirectives.Empty, now, s_heuristic);

        Assert.Equal(expected, action.ToString());
        if (entry is not null && action == ModeAction.Serve)
        {
            Assert.Equal(stored is "fresh" ? LookupAction.Fresh : LookupAction.ServeStale, lookup.Action);
        }
    }

    [Theory]
    [InlineData(HttpCacheMode.Default, false, HttpCacheMode.Default, null)]
    [InlineData(HttpCacheMode.ForceCache, false, HttpCacheMode.ForceCache, "force-cache")]
    [InlineData(HttpCacheMode.OnlyIfCached, false, HttpCacheMode.OnlyIfCached, "only-if-cached")]
    [InlineData(HttpCacheMode.NoStore, false, HttpCacheMode.NoStore, "no-store")]
    [InlineData(HttpCacheMode.Reload, false, HttpCacheMode.Reload, "reload")]
    [InlineData(HttpCacheMode.NoCache, false, HttpCacheMode.NoCache, "no-cache")]
    [InlineData(HttpCacheMode.Default, true, HttpCacheMode.OnlyIfCached, "offline")] // the switch wins
    [InlineData(HttpCacheMode.Reload, true, HttpCacheMode.OnlyIfCached, "offline")]
    public void The_offline_switch_makes_every_request_only_if_cached(HttpCacheMode mode, bool offline, HttpCacheMode effective, string? detail)
    {
        var over = CacheModes.For(mode, offline, rule: null);
        Assert.Equal(effective, over.Mode);
        Assert.Equal(detail, over.Detail);
    }

    [Fact]
    public void The_mode_is_kept_in_the_request_options()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://example.test/");
        Assert.Equal(HttpCacheMode.Default, request.GetCacheMode());
        Assert.Same(request, request.SetCacheMode(HttpCacheMode.ForceCache));
        Assert.Equal(HttpCacheMode.ForceCache, request.GetCacheMode());
        Assert.Throws<ArgumentOutOfRangeException>(() => request.SetCacheMode((HttpCacheMode)42));
    }

    [Fact]
    public async Task Default_serves_a_fresh_response_from_storage()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var test = CacheTest.Client(time);
        var uri = origin.Url("v/default");
        await ControlTest.GetAsync(test.Client, uri);

        var (response, body) = await ControlTest.GetAsync(test.Client, uri);

        Assert.Equal("n=1", body);
        Assert.Single(origin.Requests);
        Assert.StartsWith("StatusAwareHttp; hit", CacheTest.Status(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoStore_goes_to_the_origin_and_stores_nothing()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var test = CacheTest.Client(time);
        var uri = origin.Url("v/no-store");

        var (first, firstBody) = await ControlTest.GetAsync(test.Client, uri, r => r.SetCacheMode(HttpCacheMode.NoStore));
        var (_, secondBody) = await ControlTest.GetAsync(test.Client, uri);

        Assert.Equal("n=1", firstBody);
        Assert.Equal("n=2", secondBody); // the first was not stored
        Assert.Contains("detail=no-store", CacheTest.Status(first), StringComparison.Ordinal);
        Assert.Contains(test.Logs.GetSnapshot(), r => r.Id.Id == 252);
    }

    [Fact]
    public async Task NoStore_leaves_a_stored_response_alone()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var test = CacheTest.Client(time);
        var uri = origin.Url("v/no-store-kept");
        await ControlTest.GetAsync(test.Client, uri);

        var (_, bypassed) = await ControlTest.GetAsync(test.Client, uri, r => r.SetCacheMode(HttpCacheMode.NoStore));
        var (_, stored) = await ControlTest.GetAsync(test.Client, uri);

        Assert.Equal("n=2", bypassed);
        Assert.Equal("n=1", stored);
    }

    [Fact]
    public async Task Reload_goes_to_the_origin_without_conditions_and_stores_the_answer()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var test = CacheTest.Client(time);
        var uri = origin.Url("v/reload");
        await ControlTest.GetAsync(test.Client, uri);

        var (reloaded, body) = await ControlTest.GetAsync(test.Client, uri, r => r.SetCacheMode(HttpCacheMode.Reload));
        var (_, after) = await ControlTest.GetAsync(test.Client, uri);

        Assert.Equal("n=2", body);
        Assert.Null(origin.Requests[1].Header("If-None-Match"));
        Assert.Contains("fwd=request", CacheTest.Status(reloaded), StringComparison.Ordinal);
        Assert.Contains("detail=reload", CacheTest.Status(reloaded), StringComparison.Ordinal);
        Assert.Equal("n=2", after); // the reloaded response replaced the stored one
        Assert.Equal(2, origin.Requests.Count);
    }

    [Fact]
    public async Task NoCache_validates_a_fresh_response_first()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var test = CacheTest.Client(time);
        var uri = origin.Url("v/no-cache");
        await ControlTest.GetAsync(test.Client, uri);

        var (response, body) = await ControlTest.GetAsync(test.Client, uri, r => r.SetCacheMode(HttpCacheMode.NoCache));

        Assert.Equal("n=1", body); // the 304 kept the stored body
        Assert.Equal(2, origin.Requests.Count);
        Assert.Equal("\"e\"", origin.Requests[1].Header("If-None-Match"));
        Assert.Contains("fwd-status=304", CacheTest.Status(response), StringComparison.Ordinal);
        Assert.Contains("detail=no-cache", CacheTest.Status(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForceCache_serves_a_stale_response_without_the_origin_and_fetches_a_miss()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time, "max-age=60, must-revalidate");
        await using var test = CacheTest.Client(time);
        var uri = origin.Url("v/force-cache");
        var (missed, _) = await ControlTest.GetAsync(test.Client, uri, r => r.SetCacheMode(HttpCacheMode.ForceCache));
        time.Advance(TimeSpan.FromHours(1));

        var (response, body) = await ControlTest.GetAsync(test.Client, uri, r => r.SetCacheMode(HttpCacheMode.ForceCache));

        Assert.Contains("fwd=uri-miss", CacheTest.Status(missed), StringComparison.Ordinal);
        Assert.Equal("n=1", body);
        Assert.Single(origin.Requests);
        Assert.Contains("hit", CacheTest.Status(response), StringComparison.Ordinal);
        Assert.Contains("detail=force-cache", CacheTest.Status(response), StringComparison.Ordinal);
        Assert.Equal("3600", CacheTest.Header(response, "Age"));
        Assert.Contains(test.Logs.GetSnapshot(), r => r.Id.Id == 250 && r.Message.Contains("force-cache", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnlyIfCached_serves_what_is_stored_and_answers_504_on_a_miss_without_a_request()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var test = CacheTest.Client(time);
        var stored = origin.Url("v/only-stored");
        await ControlTest.GetAsync(test.Client, stored);
        time.Advance(TimeSpan.FromHours(1));

        var (hit, body) = await ControlTest.GetAsync(test.Client, stored, r => r.SetCacheMode(HttpCacheMode.OnlyIfCached));
        var (miss, _) = await ControlTest.GetAsync(test.Client, origin.Url("v/only-missing"), r => r.SetCacheMode(HttpCacheMode.OnlyIfCached));

        Assert.Equal("n=1", body);
        Assert.Contains("detail=only-if-cached", CacheTest.Status(hit), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.GatewayTimeout, miss.StatusCode);
        Assert.Equal("StatusAwareHttp; detail=only-if-cached", CacheTest.Status(miss));
        Assert.Single(origin.Requests);
    }

    [Fact]
    public async Task Modes_behave_the_same_on_the_synchronous_path()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var test = CacheTest.Client(time);
        var uri = origin.Url("v/sync");
        using (var first = new HttpRequestMessage(HttpMethod.Get, uri))
        {
            using var _ = test.Client.Send(first);
        }

        time.Advance(TimeSpan.FromHours(1));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri).SetCacheMode(HttpCacheMode.ForceCache);
        using var response = test.Client.Send(request);

        Assert.Contains("detail=force-cache", CacheTest.Status(response), StringComparison.Ordinal);
        Assert.Single(origin.Requests);
    }
}
