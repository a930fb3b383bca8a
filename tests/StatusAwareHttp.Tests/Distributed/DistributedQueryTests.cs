using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Distributed;

/// <summary>RFC 10008 §2.7 on the distributed store: a QUERY entry one instance stores, keyed by its content, serves the other.</summary>
public sealed class DistributedQueryTests
{
    [RedisFact]
    public async Task A_QUERY_entry_stored_by_one_instance_is_served_by_the_other_for_the_same_content_only()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await LoopbackServer.StartAsync(app => app.MapMethods("/search", ["QUERY"], async (HttpContext c) =>
        {
            using var reader = new StreamReader(c.Request.Body);
            c.Response.Headers.CacheControl = "max-age=60";
            await c.Response.WriteAsync("found:" + await reader.ReadToEndAsync());
        }));
        await using var a = await DistributedInstance.CreateAsync(redis);
        await using var b = await DistributedInstance.CreateAsync(redis);
        var url = origin.Url("/search");
        static HttpRequestMessage Query(Uri uri, string content) =>
            new(HttpMethod.Query, uri) { Content = new StringContent(content, Encoding.UTF8, "application/json") };

        using (var stored = await a.Client.SendAsync(Query(url, """{"q":"a"}""")))
        {
            Assert.Equal("""found:{"q":"a"}""", await stored.Content.ReadAsStringAsync());
        }

        using var keyed = Query(url, """{"q":"a"}""");
        var digest = QueryKey.Digest("""{"q":"a"}"""u8, "application/json; charset=utf-8", null, normalise: true)!;
        await a.WaitStoredAsync(a.Store.StoreKey(CacheKeys.ForQuery("QUERY", CacheKeys.UriText(url), digest, keyed.Headers, StatusAwareHttp.Internal.SensitiveHeaderNames.Defaults)));

        using var hit = await b.Client.SendAsync(Query(url, """{"q":"a"}"""));
        using var other = await b.Client.SendAsync(Query(url, """{"q":"b"}"""));

        Assert.Contains("hit", string.Join(",", hit.Headers.GetValues("Cache-Status")), StringComparison.Ordinal);
        Assert.Equal("""found:{"q":"a"}""", await hit.Content.ReadAsStringAsync());
        Assert.Equal("""found:{"q":"b"}""", await other.Content.ReadAsStringAsync());
        Assert.Equal(2, origin.CountFor("/search"));
    }
}
