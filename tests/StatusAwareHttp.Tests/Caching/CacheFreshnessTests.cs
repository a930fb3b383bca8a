using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Testing;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>End to end over real sockets: storing (RFC 9111 §3), freshness and age (§4.2, §5.1), request directives (§5.2.1).</summary>
public class CacheFreshnessTests
{
    [Fact]
    public async Task A_fresh_response_is_served_from_storage_with_Age_and_Cache_Status()
    {
        var time = Time();
        await using var origin = await TestOrigin.StartAsync(time);
        await using var client = Client(time);
        // No validators: the stale entry is fetched again whole.
        var route = origin.Map("/fresh", TestRepresentation.Text("body", cacheControl: "max-age=60") with { SendETag = false, SendLastModified = false });
        var uri = origin.Url("/fresh");

        var (first, firstBody) = await GetAsync(client, uri);
        Assert.Equal("body", firstBody);
        Assert.Equal("StatusAwareHttp; fwd=uri-miss; fwd-status=200; ttl=60", Status(first));
        Assert.Null(Header(first, "Age"));

        time.Advance(TimeSpan.FromSeconds(10));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        using var second = await client.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("body", await second.Content.ReadAsStringAsync());
        Assert.Equal("10", Header(second, "Age")); // §5.1
        Assert.Equal("StatusAwareHttp; hit; ttl=50", Status(second)); // RFC 9211 §2.1
        Assert.Same(request, second.RequestMessage);
        Assert.Equal("4", Header(second, "Content-Length"));
        Assert.Equal(1, route.Count());

        time.Advance(TimeSpan.FromSeconds(51));
        var (third, _) = await GetAsync(client, uri);
        Assert.StartsWith("StatusAwareHttp; fwd=stale; fwd-status=200", Status(third), StringComparison.Ordinal);
        Assert.Equal(2, route.Count());
        first.Dispose();
        third.Dispose();
    }

    // §3 over the wire: stored (the second GET is a hit) or not.
    [Theory]
    [InlineData("ok", true, "Cache-Control:max-age=60")]
    [InlineData("private", true, "Cache-Control:private, max-age=60")] // §5.2.2.7: a private cache stores it
    [InlineData("404", true, "Cache-Control:max-age=60", "?status=404")] // negative caching
    [InlineData("500-explicit", true, "Cache-Control:max-age=60", "?status=500")] // explicit freshness
    [InlineData("403-heuristic", false, "Last-Modified:Mon, 01 Jan 2024 00:00:00 GMT", "?status=403")] // not cacheable by default
    [InlineData("404-heuristic", true, "Last-Modified:Mon, 01 Jan 2024 00:00:00 GMT", "?status=404")] // §4.2.2
    [InlineData("no-store", false, "Cache-Control:no-store, max-age=60")] // §5.2.2.5
    [InlineData("set-cookie", false, "Cache-Control:max-age=60", "Set-Cookie:session=abc")] // never replayed
    [InlineData("vary-star", false, "Cache-Control:max-age=60", "Vary:*")] // §4.1
    [InlineData("partial", false, "Cache-Control:max-age=60", "Content-Range:bytes 0-3/10", "?status=206")] // §3.4
    [InlineData("s-maxage", false, "Cache-Control:s-maxage=60", "?status=403")] // §5.2.2.10: shared caches only
    [InlineData("expires", true, "Expires:Wed, 01 Jan 2025 00:01:00 GMT")] // §5.3
    [InlineData("expires-0", false, "Expires:0")] // §5.3: already expired
    [InlineData("max-age-abc", false, "Cache-Control:max-age=abc")] // §4.2.1: malformed is stale, never an exception
    [InlineData("max-age-dup", false, "Cache-Control:max-age=60, max-age=120")] // §4.2.1: conflicting duplicates are stale
    [InlineData("max-age-huge", true, "Cache-Control:max-age=999999999999999999999")] // §1.2.2: 2^31
    [InlineData("must-understand", true, "Cache-Control:no-store, must-understand, max-age=60")] // §5.2.2.3
    public async Task Storing_over_the_wire(string name, bool stored, params string[] lines)
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time);
        var extra = lines.FirstOrDefault(l => l.StartsWith('?'))?.TrimStart('?');
        var uri = new Uri(Dynamic(server, name, lines.Where(l => !l.StartsWith('?')).ToArray()) + (extra is null ? string.Empty : "&" + extra));

        var (first, _) = await GetAsync(client, uri);
        time.Advance(TimeSpan.FromSeconds(1));
        var (second, _) = await GetAsync(client, uri);

        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(stored ? 1 : 2, server.CountFor($"/dyn/{name}"));
        Assert.Equal(stored, Status(second)!.Contains("; hit", StringComparison.Ordinal));
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task Age_from_upstream_counts_towards_the_current_age()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time);
        var uri = Dynamic(server, "aged", "Cache-Control:max-age=60", "Age:30");

        (await GetAsync(client, uri)).Response.Dispose();
        time.Advance(TimeSpan.FromSeconds(20));
        var (hit, _) = await GetAsync(client, uri);
        Assert.Equal("50", Header(hit, "Age")); // §4.2.3: age_value + resident time; the stored Age is replaced
        Assert.Equal("StatusAwareHttp; hit; ttl=10", Status(hit));

        time.Advance(TimeSpan.FromSeconds(11));
        (await GetAsync(client, uri)).Response.Dispose();
        Assert.Equal(2, server.CountFor("/dyn/aged"));
        hit.Dispose();
    }

    [Fact]
    public async Task Heuristic_freshness_is_a_tenth_of_the_time_since_Last_Modified_capped_at_a_day()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time);
        var modified = Http(Start.AddDays(-30));
        var uri = Dynamic(server, "heuristic", "Last-Modified:" + modified);

        (await GetAsync(client, uri)).Response.Dispose();
        time.Advance(TimeSpan.FromHours(23));
        var (hit, _) = await GetAsync(client, uri);
        Assert.Equal("StatusAwareHttp; hit; ttl=3600", Status(hit)); // 10% of 30 days is 3 days, capped at 24 h

        time.Advance(TimeSpan.FromHours(2));
        var (revalidated, _) = await GetAsync(client, uri);
        Assert.Equal(modified, server.Requests[^1].Header("If-Modified-Since"));
        Assert.Equal(2, server.CountFor("/dyn/heuristic"));
        hit.Dispose();
        revalidated.Dispose();
    }

    // §5.2.1: request directives over the wire. The stored response is 30 s old and fresh for 60 s.
    [Theory]
    [InlineData("max-age=10", false, "fwd=request")] // §5.2.1.1
    [InlineData("max-age=40", true, "hit")]
    [InlineData("min-fresh=40", false, "fwd=request")] // §5.2.1.3
    [InlineData("min-fresh=20", true, "hit")]
    [InlineData("no-cache", false, "fwd=request")] // §5.2.1.4
    [InlineData("pragma", false, "fwd=request")] // §5.4: Pragma: no-cache without Cache-Control
    [InlineData("max-age=abc", false, "fwd=request")] // malformed: most restrictive, no exception
    public async Task Request_directives(string directive, bool fromStorage, string cacheStatus)
    {
        var time = Time();
        await using var origin = await TestOrigin.StartAsync(time);
        await using var client = Client(time);
        var route = origin.Map("/directives", TestRepresentation.Text("body", cacheControl: "max-age=60"));
        var uri = origin.Url("/directives");
        (await GetAsync(client, uri)).Response.Dispose();
        time.Advance(TimeSpan.FromSeconds(30));

        var (response, body) = await GetAsync(client, uri, r =>
        {
            if (directive == "pragma")
            {
                r.Headers.TryAddWithoutValidation("Pragma", "no-cache");
            }
            else
            {
                r.Headers.TryAddWithoutValidation("Cache-Control", directive);
            }
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("body", body);
        Assert.Equal(fromStorage ? 1 : 2, route.Count());
        Assert.Contains(cacheStatus, Status(response), StringComparison.Ordinal);
        if (!fromStorage)
        {
            Assert.Equal(route.Representation!.ETag, route.Requests[^1].Header("If-None-Match")); // revalidated, not refetched
        }

        response.Dispose();
    }

    // §5.2.1.2 max-stale; §5.2.2.2 must-revalidate overrides it.
    [Theory]
    [InlineData("max-age=60", "max-stale=20", true)]
    [InlineData("max-age=60", "max-stale", true)]
    [InlineData("max-age=60", "max-stale=5", false)]
    [InlineData("max-age=60, must-revalidate", "max-stale", false)]
    public async Task Max_stale_serves_a_stale_response_unless_must_revalidate(string responseCacheControl, string requestCacheControl, bool servedStale)
    {
        var time = Time();
        await using var origin = await TestOrigin.StartAsync(time);
        await using var client = Client(time);
        var route = origin.Map("/maxstale", TestRepresentation.Text("body", cacheControl: responseCacheControl));
        var uri = origin.Url("/maxstale");
        (await GetAsync(client, uri)).Response.Dispose();
        time.Advance(TimeSpan.FromSeconds(70));

        var (response, _) = await GetAsync(client, uri, r => r.Headers.TryAddWithoutValidation("Cache-Control", requestCacheControl));

        Assert.Equal(servedStale ? 1 : 2, route.Count());
        if (servedStale)
        {
            Assert.Equal("StatusAwareHttp; hit; ttl=-10", Status(response)); // a negative ttl says stale (RFC 9211 §2.5)
            Assert.Equal("70", Header(response, "Age"));
        }

        response.Dispose();
    }

    // §5.2.1.7: only-if-cached answers 504 without a network call when nothing usable is stored.
    [Fact]
    public async Task Only_if_cached_answers_504_without_contacting_the_origin()
    {
        var time = Time();
        await using var origin = await TestOrigin.StartAsync(time);
        await using var client = Client(time);
        var route = origin.Map("/oic", TestRepresentation.Text("body", cacheControl: "max-age=60"));
        var uri = origin.Url("/oic");
        void OnlyIfCached(HttpRequestMessage r) => r.Headers.TryAddWithoutValidation("Cache-Control", "only-if-cached");

        var (miss, _) = await GetAsync(client, uri, OnlyIfCached);
        Assert.Equal(HttpStatusCode.GatewayTimeout, miss.StatusCode);
        Assert.Equal("StatusAwareHttp; detail=only-if-cached", Status(miss));
        Assert.Equal(0, route.Count());

        (await GetAsync(client, uri)).Response.Dispose();
        var (hit, body) = await GetAsync(client, uri, OnlyIfCached);
        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Equal("body", body);

        time.Advance(TimeSpan.FromSeconds(61));
        var (stale, _) = await GetAsync(client, uri, OnlyIfCached);
        Assert.Equal(HttpStatusCode.GatewayTimeout, stale.StatusCode);
        Assert.Equal(1, route.Count());
        miss.Dispose();
        hit.Dispose();
        stale.Dispose();
    }

    [Fact]
    public async Task Request_no_store_is_served_from_storage_but_never_stored()
    {
        var time = Time();
        await using var origin = await TestOrigin.StartAsync(time);
        await using var client = Client(time);
        var route = origin.Map("/reqnostore", TestRepresentation.Text("body", cacheControl: "max-age=60"));
        var uri = origin.Url("/reqnostore");
        void NoStore(HttpRequestMessage r) => r.Headers.TryAddWithoutValidation("Cache-Control", "no-store");

        (await GetAsync(client, uri, NoStore)).Response.Dispose();
        (await GetAsync(client, uri, NoStore)).Response.Dispose();
        Assert.Equal(2, route.Count()); // §5.2.1.5: not stored

        (await GetAsync(client, uri)).Response.Dispose();
        var (hit, _) = await GetAsync(client, uri, NoStore);
        Assert.Contains("hit", Status(hit), StringComparison.Ordinal); // what is stored may still be used
        Assert.Equal(3, route.Count());
        hit.Dispose();
    }

    [Fact]
    public async Task The_cache_can_be_turned_off()
    {
        var time = Time();
        await using var origin = await TestOrigin.StartAsync(time);
        await using var client = Client(time, o => o.Cache.Enabled = false);
        var route = origin.Map("/off", TestRepresentation.Text("body", cacheControl: "max-age=60"));
        var uri = origin.Url("/off");

        (await GetAsync(client, uri)).Response.Dispose();
        var (second, _) = await GetAsync(client, uri);
        Assert.Null(Status(second));
        Assert.Equal(2, route.Count());
        second.Dispose();
    }

    [Fact]
    public async Task Cache_name_is_configurable_and_quoted_when_not_a_token()
    {
        var time = Time();
        await using var origin = await TestOrigin.StartAsync(time);
        await using var client = Client(time, o => o.Cache.CacheName = "my cache");
        var route = origin.Map("/named", TestRepresentation.Text("body", cacheControl: "max-age=60"));
        var uri = origin.Url("/named");

        (await GetAsync(client, uri)).Response.Dispose();
        var (hit, _) = await GetAsync(client, uri);
        Assert.Equal("\"my cache\"; hit; ttl=60", Status(hit));
        hit.Dispose();
    }

    [Fact]
    public async Task Other_safe_methods_pass_through()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => app.MapMethods("/opt", ["OPTIONS"], (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            return "o";
        }));
        await using var client = Client(time);
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, server.Url("opt")));
            Assert.Null(Status(response));
        }

        Assert.Equal(2, server.CountFor("/opt"));
    }
}
