using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary><c>response.GetCacheStatus()</c> over real sockets: the typed outcome of each path through the cache.</summary>
public sealed class CacheStatusEndToEndTests
{
    /// <summary>/etag: fresh for 60 s, ETag "v1", a 304 to a matching If-None-Match; an upstream cache's member when asked.</summary>
    private static Task<LoopbackServer> StartOrigin(TimeProvider time) => LoopbackServer.StartAsync(app =>
    {
        app.MapMethods("/etag", ["GET", "POST"], (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "max-age=60";
            context.Response.Headers.ETag = "\"v1\"";
            if (context.Request.Query.ContainsKey("upstream"))
            {
                context.Response.Headers["Cache-Status"] = "CDN; fwd=uri-miss; fwd-status=200";
            }

            if (context.Request.Headers.IfNoneMatch.ToString() == "\"v1\"")
            {
                context.Response.StatusCode = 304;
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync("v1");
        });
    });

    [Fact]
    public async Task A_miss_then_a_hit_then_a_revalidation_then_a_stale_hit_read_as_typed_values()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("etag");

        var (miss, _) = await GetAsync(client, uri);
        Assert.Equal(
            new HttpCacheStatus { CacheName = "StatusAwareHttp", ForwardReason = HttpCacheForwardReason.UriMiss, ForwardStatus = 200, TimeToLive = TimeSpan.FromSeconds(60) },
            miss.GetCacheStatus());
        miss.Dispose();

        time.Advance(TimeSpan.FromSeconds(10));
        var (hit, _) = await GetAsync(client, uri);
        Assert.Equal(new HttpCacheStatus { CacheName = "StatusAwareHttp", Hit = true, TimeToLive = TimeSpan.FromSeconds(50) }, hit.GetCacheStatus());
        Assert.False(hit.GetCacheStatus()!.Forwarded);
        hit.Dispose();

        time.Advance(TimeSpan.FromSeconds(51));
        var (revalidated, body) = await GetAsync(client, uri);
        Assert.Equal("v1", body);
        var status = revalidated.GetCacheStatus();
        Assert.NotNull(status);
        Assert.True(status.Forwarded);
        Assert.Equal(HttpCacheForwardReason.Stale, status.ForwardReason);
        Assert.Equal(304, status.ForwardStatus);
        Assert.Equal(TimeSpan.FromSeconds(60), status.TimeToLive);
        Assert.False(status.Hit);
        revalidated.Dispose();

        // Served stale on the caller's max-stale: a hit with a negative ttl.
        time.Advance(TimeSpan.FromSeconds(70));
        var (stale, _) = await GetAsync(client, uri, r => r.Headers.TryAddWithoutValidation("Cache-Control", "max-stale=3600"));
        Assert.Equal(new HttpCacheStatus { CacheName = "StatusAwareHttp", Hit = true, TimeToLive = TimeSpan.FromSeconds(-10) }, stale.GetCacheStatus());
        stale.Dispose();
        Assert.Equal(2, server.CountFor("/etag"));
    }

    [Fact]
    public async Task Ours_is_read_behind_an_upstream_member_and_on_the_synchronous_path_with_a_custom_name()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time, o => o.Cache.CacheName = "edge cache");
        var uri = server.Url("etag?upstream=1");

        using var miss = client.Client.Send(new HttpRequestMessage(HttpMethod.Get, uri));
        Assert.Equal(["CDN; fwd=uri-miss; fwd-status=200", "\"edge cache\"; fwd=uri-miss; fwd-status=200; ttl=60"], miss.Headers.GetValues("Cache-Status"));
        var status = miss.GetCacheStatus();
        Assert.NotNull(status);
        Assert.Equal("edge cache", status.CacheName);
        Assert.Equal(HttpCacheForwardReason.UriMiss, status.ForwardReason);

        using var hit = client.Client.Send(new HttpRequestMessage(HttpMethod.Get, uri));
        Assert.True(hit.GetCacheStatus() is { Hit: true, CacheName: "edge cache" });
    }

    [Fact]
    public async Task Null_when_no_cache_of_ours_answered()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var cached = Client(time);
        await using var uncached = TestClient.Create(o => o.Cache.Enabled = false);

        // A POST passes the cache by: the upstream member is the last, and it is not ours.
        using var post = await cached.Client.PostAsync(server.Url("etag?upstream=1"), new StringContent("x"));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.True(post.Headers.Contains("Cache-Status"));
        Assert.Null(post.GetCacheStatus());

        // No cache at all, and a response without the field.
        using var upstreamOnly = await uncached.Client.GetAsync(server.Url("etag?upstream=1"));
        Assert.Null(upstreamOnly.GetCacheStatus());
        using var none = await uncached.Client.GetAsync(server.Url("etag"));
        Assert.Null(none.GetCacheStatus());
        Assert.Throws<ArgumentNullException>(() => HttpCacheResponseExtensions.GetCacheStatus(null!));
    }
}
