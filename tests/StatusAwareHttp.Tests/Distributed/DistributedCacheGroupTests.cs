using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Caching.Distributed.Internal;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Infrastructure;
using Xunit.Abstractions;
using static StatusAwareHttp.Tests.Infrastructure.CacheGroupOrigin;

namespace StatusAwareHttp.Tests.Distributed;

/// <summary>
/// Cache groups (RFC 9875) and the invalidation of queries (RFC 10008, RFC 9111 §4.4) on the distributed store, with
/// a real redis-server: a mark per tag in Redis, so another instance, or another process, stops serving the tag's
/// entries within its memory front's lifetime (measured here and written to the test output).
/// </summary>
public sealed class DistributedCacheGroupTests(ITestOutputHelper output)
{
    [RedisFact]
    public async Task A_group_invalidated_through_one_instance_is_no_longer_served_by_another_within_the_front_lifetime()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await LoopbackServer.StartAsync(app => Map(app, TimeProvider.System));
        await using var a = await DistributedInstance.CreateAsync(redis);
        await using var b = await DistributedInstance.CreateAsync(redis);
        var grouped = origin.Url("g/a?groups=%22list%22");
        var other = origin.Url("g/b?groups=%22other%22");
        Assert.Equal("a #1", await GetBody(a.Client, grouped));
        Assert.Equal("b #1", await GetBody(a.Client, other));
        await a.WaitStoredAsync(a.StoreKey(grouped));
        await a.WaitStoredAsync(a.StoreKey(other));
        Assert.Equal("a #1", await GetBody(b.Client, grouped));
        Assert.Equal("a #1", await GetBody(a.Client, grouped));

        // A GET's answer never invalidates (§3).
        await GetBody(b.Client, origin.Url("g/x?inv=%22list%22"));
        Assert.Equal("a #1", await GetBody(b.Client, grouped));

        (await b.Client.SendAsync(Change(HttpMethod.Post, origin.Url("g/x?inv=%22list%22")))).Dispose();
        var invalidated = Stopwatch.StartNew();

        // The instance that saw the answer: at once.
        Assert.Equal("a #2", await GetBody(b.Client, grouped));

        // The other: once its remembered mark is older than MemoryFrontLifetime (1 s by default).
        var seen = await PollAsync(() => GetBody(a.Client, grouped), body => body != "a #1");
        output.WriteLine($"another instance stopped serving the group after {invalidated.ElapsedMilliseconds} ms");
        Assert.True(invalidated.Elapsed < TimeSpan.FromSeconds(3), $"{invalidated.ElapsedMilliseconds} ms");
        Assert.NotEqual("a #1", seen); // what the other instance stored since, or its own
        Assert.Equal("b #1", await GetBody(a.Client, other));
        Assert.Equal(-1, await a.Test.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name).InvalidateGroupAsync(origin.Url("/"), "other"));
        Assert.Equal("b #2", await GetBody(a.Client, other));
    }

    [RedisFact]
    public async Task An_unsafe_request_through_one_instance_removes_the_query_entries_of_its_URI_for_the_other()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await LoopbackServer.StartAsync(app => Map(app, TimeProvider.System));
        await using var a = await DistributedInstance.CreateAsync(redis, o => o.MemoryFrontLifetime = TimeSpan.Zero);
        await using var b = await DistributedInstance.CreateAsync(redis, o => o.MemoryFrontLifetime = TimeSpan.Zero);
        var search = origin.Url("search");
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete })
        {
            var first = await Send(a, Query(search, """{"q":"a"}"""));
            Assert.Equal(first, await Send(a, Query(search, """{"q":"a"}""")));
            using (var credentials = Query(search, """{"q":"a"}"""))
            {
                credentials.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "t");
                await Send(a, credentials);
            }

            Assert.Equal("changed", await Send(b, Change(method, search)));
            Assert.NotEqual(first, await Send(a, Query(search, """{"q":"a"}""")));
        }
    }

    [RedisFact]
    public async Task A_group_invalidated_by_a_POST_in_one_process_is_no_longer_served_by_another_process()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await LoopbackServer.StartAsync(app => Map(app, TimeProvider.System));
        await using var reader = PeerProcess.Start("distributed-lines", redis.ConnectionString, "1000");
        await using var writer = PeerProcess.Start("distributed-lines", redis.ConnectionString, "1000");
        await reader.WaitForLineAsync("#ready");
        await writer.WaitForLineAsync("#ready");
        var grouped = origin.Url("g/a?groups=%22list%22").AbsoluteUri;
        var readerLines = 0;
        var writerLines = 0;

        Assert.Equal("200 a #1", await Line(reader, "GET " + grouped, ++readerLines));
        await WaitStoredAsync(redis, new Uri(grouped));
        Assert.Equal("200 a #1", await Line(writer, "GET " + grouped, ++writerLines));
        Assert.Equal("200 a #1", await Line(reader, "GET " + grouped, ++readerLines));

        Assert.Equal("200 changed", await Line(writer, "POST " + origin.Url("g/x?inv=%22list%22").AbsoluteUri, ++writerLines));
        var invalidated = Stopwatch.StartNew();
        Assert.Equal("200 a #2", await Line(writer, "GET " + grouped, ++writerLines));

        string body;
        do
        {
            body = await Line(reader, "GET " + grouped, ++readerLines);
        }
        while (body == "200 a #1" && invalidated.Elapsed < TimeSpan.FromSeconds(10));

        output.WriteLine($"another process stopped serving the group after {invalidated.ElapsedMilliseconds} ms ({readerLines} reads)");
        Assert.NotEqual("200 a #1", body); // the writer's new entry, or the reader's own
        Assert.True(invalidated.Elapsed < TimeSpan.FromSeconds(3), $"{invalidated.ElapsedMilliseconds} ms");
        await reader.EndAsync();
        await writer.EndAsync();
    }

    private static async Task<string> Line(PeerProcess peer, string line, int count)
    {
        await peer.SendLineAsync(line);
        return await peer.WaitForValueAsync("result", count);
    }

    private static async Task<string> Send(DistributedInstance instance, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await instance.Client.SendAsync(request);
            return await response.Content.ReadAsStringAsync();
        }
    }

    private static async Task<string> PollAsync(Func<Task<string>> read, Func<string, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                return value;
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Waits (bounded) until the peers' client ("peer") has the GET of <paramref name="url"/> in Redis.</summary>
    private static async Task WaitStoredAsync(RedisServer redis, Uri url)
    {
        using var cache = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = redis.ConnectionString }));
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        var key = DistributedCacheKeys.For("StatusAwareHttp:", "peer", CacheKeys.ForGet(url, message.Headers));
        var watch = Stopwatch.StartNew();
        while (await cache.GetAsync(key) is null)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the first process did not store the entry in Redis");
            await Task.Delay(20);
        }
    }
}
