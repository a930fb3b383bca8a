using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Caching.Distributed.Internal;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Distributed;

/// <summary>
/// Two processes and a real redis-server: what one process stored is served to a freshly started one from its very
/// first request, with the default options (a 250 ms operation timeout, which a new process's first Redis call, with
/// its connection set-up, takes longer than), so the origin sees one request in all.
/// </summary>
public sealed class FirstRequestTests
{
    [RedisFact]
    public async Task A_fresh_process_serves_what_another_process_stored_from_its_first_request()
    {
        await using var redis = await RedisServer.StartAsync();
        var hits = 0;
        await using var origin = await LoopbackServer.StartAsync(app => app.MapGet("/shared", (HttpContext c) =>
        {
            Interlocked.Increment(ref hits);
            c.Response.Headers.CacheControl = "max-age=600";
            return Results.Text("from the origin");
        }));
        var url = origin.Url("/shared");

        // The first process stores it (the test waits until Redis holds it before letting that process go).
        await using (var storer = PeerProcess.Start("distributed-get", redis.ConnectionString, url.AbsoluteUri))
        {
            await storer.WaitForValueAsync("done");
            Assert.Equal("from the origin", await storer.WaitForValueAsync("body"));
            await WaitStoredAsync(redis, url);
            await storer.EndAsync();
        }

        // A second, fresh process: its first request is a hit from Redis.
        await using var server = PeerProcess.Start("distributed-get", redis.ConnectionString, url.AbsoluteUri);
        await server.WaitForValueAsync("done");

        Assert.Equal("200", await server.WaitForValueAsync("status"));
        Assert.Equal("from the origin", await server.WaitForValueAsync("body"));
        Assert.Contains("hit", await server.WaitForValueAsync("cache-status"), StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref hits));
    }

    private static async Task WaitStoredAsync(RedisServer redis, Uri url)
    {
        using var cache = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = redis.ConnectionString }));
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        var key = DistributedCacheKeys.For("StatusAwareHttp:", "peer", CacheKeys.ForGet(url, message.Headers));
        var watch = Stopwatch.StartNew();
        while (await cache.GetAsync(key) is null)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the first process did not store the entry in Redis");
            await Task.Delay(50);
        }
    }
}
