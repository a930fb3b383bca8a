using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>End to end over real sockets: collapsed requests (RFC 9111 §4) and concurrent readers.</summary>
public class CacheConcurrencyTests
{
    [Fact]
    public async Task Twenty_concurrent_identical_misses_reach_the_origin_once()
    {
        var time = Time();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var payload = new string('x', 100_000);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/slow", async (HttpContext context) =>
        {
            await gate.Task;
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "max-age=60";
            await context.Response.WriteAsync(payload);
        }));
        await using var client = Client(time);

        var requests = Enumerable.Range(0, 20).Select(_ => GetAsync(client, server.Url("slow"))).ToArray();
        await WaitUntil(() => server.CountFor("/slow") == 1 && State(client).Waiting == 19, "one request reached the origin and 19 wait for it");
        gate.SetResult();
        var results = await Task.WhenAll(requests);

        Assert.Equal(1, server.CountFor("/slow"));
        Assert.All(results, r => Assert.Equal(payload, r.Body));
        Assert.Equal(19, results.Count(r => Status(r.Response)!.Contains("; collapsed", StringComparison.Ordinal)));
        Assert.All(results, r => r.Response.Dispose());
    }

    // Each caller gets its own stream, readable before and after the body is complete, whatever the others do.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Collapsed_callers_each_read_the_whole_body_at_their_own_pace(bool contentLength)
    {
        var time = Time();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var half = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
        var otherHalf = Encoding.ASCII.GetBytes(new string('b', 64 * 1024));
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/halves", async (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "max-age=60";
            if (contentLength)
            {
                context.Response.ContentLength = half.Length + otherHalf.Length;
            }

            await context.Response.Body.WriteAsync(half);
            await context.Response.Body.FlushAsync();
            await gate.Task;
            await context.Response.Body.WriteAsync(otherHalf);
        }));
        await using var client = Client(time);
        var uri = server.Url("halves");

        var leader = await client.Client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
        using var early = await client.Client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
        using var late = await client.Client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
        Assert.Contains("; collapsed", Status(early), StringComparison.Ordinal);
        Assert.Contains("; collapsed", Status(late), StringComparison.Ordinal);
        Assert.Equal(1, server.CountFor("/halves"));

        // The early caller reads the first half before the origin has sent the rest.
        var earlyStream = await early.Content.ReadAsStreamAsync();
        var first = new byte[half.Length];
        await earlyStream.ReadExactlyAsync(first);
        Assert.Equal(half, first);

        // The first caller walks away without reading: the others are not cut off.
        leader.Dispose();
        gate.SetResult();

        var rest = new MemoryStream();
        await earlyStream.CopyToAsync(rest);
        Assert.Equal(otherHalf, rest.ToArray());

        // The late caller starts reading only once the body is complete.
        await WaitUntil(() => State(client).InFlight.IsEmpty, "the body was read whole and stored");
        Assert.Equal(half.Concat(otherHalf).ToArray(), await late.Content.ReadAsByteArrayAsync());

        var (hit, hitBody) = await GetAsync(client, uri);
        Assert.Contains("; hit", Status(hit), StringComparison.Ordinal);
        Assert.Equal(half.Length + otherHalf.Length, hitBody.Length);
        Assert.Equal(1, server.CountFor("/halves"));
        hit.Dispose();
    }

    [Fact]
    public async Task Two_callers_read_one_hit_at_once()
    {
        var time = Time();
        var payload = new byte[1024 * 1024];
        new Random(42).NextBytes(payload);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/big-hit", (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "max-age=60";
            return context.Response.Body.WriteAsync(payload).AsTask();
        }));
        await using var client = Client(time);
        (await GetAsync(client, server.Url("big-hit"))).Response.Dispose();

        using var a = await client.Client.GetAsync(server.Url("big-hit"), HttpCompletionOption.ResponseHeadersRead);
        using var b = await client.Client.GetAsync(server.Url("big-hit"), HttpCompletionOption.ResponseHeadersRead);
        var streamA = await a.Content.ReadAsStreamAsync();
        var streamB = await b.Content.ReadAsStreamAsync();
        using var readA = new MemoryStream();
        using var readB = new MemoryStream();
        var chunk = new byte[7000];
        int na, nb;
        do
        {
            na = await streamA.ReadAsync(chunk);
            readA.Write(chunk, 0, na);
            nb = await streamB.ReadAsync(chunk.AsMemory(0, 3000));
            readB.Write(chunk, 0, nb);
        }
        while (na > 0 || nb > 0);

        Assert.Contains("; hit", Status(a), StringComparison.Ordinal);
        Assert.Contains("; hit", Status(b), StringComparison.Ordinal);
        Assert.Equal(payload, readA.ToArray());
        Assert.Equal(payload, readB.ToArray());
        Assert.Equal(1, server.CountFor("/big-hit"));
    }

    // A request whose own directives demand the origin does not join another: it goes alone.
    [Fact]
    public async Task A_no_cache_request_is_not_collapsed()
    {
        var time = Time();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/nc", async (HttpContext context) =>
        {
            await gate.Task;
            context.Response.Headers.CacheControl = "max-age=60";
            await context.Response.WriteAsync("x");
        }));
        await using var client = Client(time);

        var first = GetAsync(client, server.Url("nc"));
        await WaitUntil(() => server.CountFor("/nc") == 1, "the first request reached the origin");
        var second = GetAsync(client, server.Url("nc"), r => r.Headers.TryAddWithoutValidation("Cache-Control", "no-cache"));
        await WaitUntil(() => server.CountFor("/nc") == 2, "the no-cache request reached the origin itself");
        gate.SetResult();
        (await first).Response.Dispose();
        (await second).Response.Dispose();
    }
}
