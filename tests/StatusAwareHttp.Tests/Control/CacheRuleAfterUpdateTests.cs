using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Control;

/// <summary>
/// End to end over real sockets: a URL rule's lifetime holds again after every update of the stored entry, on the
/// paths other than the foreground 304 too (a stale-while-revalidate 304 in the background, a HEAD 200).
/// </summary>
public sealed class CacheRuleAfterUpdateTests
{
    private static readonly CacheRule s_rule = new() { PathPrefix = "/dyn/", Lifetime = TimeSpan.FromMinutes(5) };

    [Fact]
    public async Task A_rule_lifetime_holds_after_a_background_revalidation_304()
    {
        var time = Time();
        await using var origin = await LoopbackServer.StartAsync(app => MapConditional(app, time, "max-age=0, stale-while-revalidate=600"));
        await using var client = Client(time, o => o.Cache.Rules.Add(s_rule));
        var uri = origin.Url("dyn/swr");
        (await GetAsync(client, uri)).Response.Dispose(); // stored with max-age=300 (the rule), stale-while-revalidate=600
        time.Advance(TimeSpan.FromMinutes(6));

        var (stale, body) = await GetAsync(client, uri); // served stale; revalidated in the background: 304, max-age=0
        await State(client).WhenRevalidationsIdleAsync();
        var (after, _) = await GetAsync(client, uri);
        await State(client).WhenRevalidationsIdleAsync();

        Assert.Equal("n=1", body);
        Assert.Contains("; hit; ttl=-60", Status(stale), StringComparison.Ordinal);
        Assert.Equal("StatusAwareHttp; hit; ttl=300; detail=rule", Status(after)); // fresh for the rule's lifetime again
        Assert.Equal(2, origin.Requests.Count); // no second background revalidation
        stale.Dispose();
        after.Dispose();
    }

    [Fact]
    public async Task A_rule_lifetime_holds_after_a_HEAD_updates_the_stored_response()
    {
        var time = Time();
        await using var origin = await LoopbackServer.StartAsync(app => MapConditional(app, time, "max-age=0"));
        await using var client = Client(time, o => o.Cache.Rules.Add(s_rule));
        var uri = origin.Url("dyn/head");
        (await GetAsync(client, uri)).Response.Dispose(); // stored with max-age=300 (the rule)
        time.Advance(TimeSpan.FromMinutes(1));

        using (var head = await client.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, uri)))
        {
            Assert.Equal(200, (int)head.StatusCode); // the same ETag and length: it updates the stored response (max-age=0)
        }

        var (after, body) = await GetAsync(client, uri);

        Assert.Equal("n=1", body);
        Assert.Equal("StatusAwareHttp; hit; ttl=300; detail=rule", Status(after)); // the rule's lifetime, from the HEAD's time
        Assert.Equal(2, origin.Requests.Count); // the GET and the HEAD: no revalidation
        after.Dispose();
    }

    /// <summary>
    /// <c>GET/HEAD /dyn/{name}</c>: "n=count" (3 bytes, Content-Length on HEAD too) with <paramref name="cacheControl"/>,
    /// ETag "e" and a Date from the fake clock; 304 to If-None-Match "e".
    /// </summary>
    private static void MapConditional(WebApplication app, FakeTimeProvider time, string cacheControl)
    {
        var count = 0;
        app.MapMethods("/dyn/{name}", ["GET", "HEAD"], (HttpContext context) =>
        {
            var n = Interlocked.Increment(ref count);
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.ETag = "\"e\"";
            context.Response.Headers.CacheControl = cacheControl;
            if (context.Request.Headers.IfNoneMatch == "\"e\"")
            {
                context.Response.StatusCode = 304;
                return Task.CompletedTask;
            }

            context.Response.ContentLength = 3;
            return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.WriteAsync("n=" + n.ToString(CultureInfo.InvariantCulture));
        });
    }
}
