using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>End to end over real sockets: bodies that stream through, bodies cut off, and header lines kept raw (§3.1).</summary>
public class CacheBodyTests
{
    private const int MiB = 1024 * 1024;

    // Over Cache.MaxEntryBytes (4 MiB): streamed to the caller as it arrives, never stored.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_8_MiB_body_streams_through_and_is_not_stored(bool contentLength)
    {
        var time = Time();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var chunk = new byte[MiB];
        Array.Fill(chunk, (byte)'z');
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/big", async (HttpContext context) =>
        {
            var call = Interlocked.Increment(ref calls);
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "max-age=60";
            if (contentLength)
            {
                context.Response.ContentLength = 8L * MiB;
            }

            await context.Response.Body.WriteAsync(chunk);
            await context.Response.Body.FlushAsync();
            if (call == 1)
            {
                await gate.Task; // the rest only once the caller has read the first MiB
            }

            for (var i = 1; i < 8; i++)
            {
                await context.Response.Body.WriteAsync(chunk);
            }
        }));
        await using var client = Client(time);

        using (var response = await client.Client.GetAsync(server.Url("big"), HttpCompletionOption.ResponseHeadersRead))
        {
            var stream = await response.Content.ReadAsStreamAsync();
            var first = new byte[MiB];
            await stream.ReadExactlyAsync(first); // before the origin sent the rest: not buffered whole first
            gate.SetResult();
            long total = first.Length;
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                total += n;
            }

            Assert.Equal(8L * MiB, total);
            if (contentLength)
            {
                Assert.Contains("detail=too-large", Status(response), StringComparison.Ordinal);
            }
        }

        var (second, body) = await GetAsync(client, server.Url("big"));
        Assert.Equal(8 * MiB, body.Length);
        Assert.DoesNotContain("; hit", Status(second), StringComparison.Ordinal);
        Assert.Equal(2, server.CountFor("/big"));
        second.Dispose();
    }

    // A truncated or failed body is never stored.
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)] // a strong validator and a known length: the start is kept as a part (RFC 9111 §3.3), never served as whole
    public async Task A_body_cut_off_midway_is_not_stored(bool contentLength, bool strongValidator)
    {
        var time = Time();
        var payload = new byte[100_000];
        Array.Fill(payload, (byte)'p');
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/cut", async (HttpContext context) =>
        {
            var call = Interlocked.Increment(ref calls);
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "max-age=60";
            if (strongValidator)
            {
                context.Response.Headers.ETag = "\"p1\"";
            }

            if (contentLength)
            {
                context.Response.ContentLength = payload.Length;
            }

            if (call == 1)
            {
                await context.Response.Body.WriteAsync(payload.AsMemory(0, 50_000));
                await context.Response.Body.FlushAsync();
                context.Abort();
                return;
            }

            await context.Response.Body.WriteAsync(payload);
        }));

        // Without retries: when the reset overtakes the headers, the retries would wait their backoff on the fake clock.
        await using var client = Client(time, o => o.Retries.Enabled = false);

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await client.Client.GetAsync(server.Url("cut"), HttpCompletionOption.ResponseHeadersRead);
            await response.Content.ReadAsByteArrayAsync();
        });

        var (whole, body) = await GetAsync(client, server.Url("cut"));
        Assert.Equal(new string((char)payload[0], payload.Length), body);
        Assert.Contains("fwd=uri-miss", Status(whole), StringComparison.Ordinal); // the cut body was not stored whole
        var (hit, _) = await GetAsync(client, server.Url("cut"));
        Assert.Contains("; hit", Status(hit), StringComparison.Ordinal); // the whole one was
        Assert.Equal(2, server.CountFor("/cut"));
        whole.Dispose();
        hit.Dispose();
    }

    // A small body disposed unread is still read to store it, but for at most SharedBody.DrainTimeout: an origin that
    // stalls is given up on that clock (the fake one here), unstored, and the key no longer has a request in flight.
    [Fact]
    public async Task A_body_disposed_unread_whose_origin_stalls_is_given_up_after_the_drain_timeout()
    {
        var time = Time();
        var stall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/stall", async (HttpContext context) =>
        {
            var call = Interlocked.Increment(ref calls);
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "max-age=60";
            context.Response.ContentLength = 10_000;
            if (call == 1)
            {
                await context.Response.Body.WriteAsync(new byte[1_000]);
                await context.Response.Body.FlushAsync();
                await stall.Task.WaitAsync(context.RequestAborted);
                return;
            }

            await context.Response.Body.WriteAsync(new byte[10_000]);
        }));
        await using var client = Client(time, o => o.Retries.Enabled = false);
        var state = State(client);

        using (await client.Client.GetAsync(server.Url("stall"), HttpCompletionOption.ResponseHeadersRead))
        {
        }

        // Draining: the request is still in flight until the timeout on the fake clock.
        await Task.Delay(50);
        Assert.False(state.InFlight.IsEmpty);
        time.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(50);
        Assert.False(state.InFlight.IsEmpty);
        time.Advance(SharedBody.DrainTimeout);
        await WaitUntil(() => state.InFlight.IsEmpty, "the drain is given up");

        var (second, body) = await GetAsync(client, server.Url("stall"));
        Assert.Equal(10_000, body.Length);
        Assert.Contains("fwd=uri-miss", Status(second), StringComparison.Ordinal); // the stalled body was not stored
        Assert.Equal(2, server.CountFor("/stall"));
        second.Dispose();
        stall.TrySetResult();
    }

    // Stored header values are kept byte for byte as the origin sent them; hop-by-hop fields are not stored.
    [Fact]
    public async Task Header_lines_are_served_from_storage_byte_for_byte_without_hop_by_hop_fields()
    {
        var time = Time();
        var odd = new Dictionary<string, string>
        {
            ["Cache-Control"] = "max-age=60 ,  public",
            ["ETag"] = "W/\"weird etag\"",
            ["Content-Type"] = "text/plain;charset=UTF-8",
            ["X-Odd"] = "a,b ,  c",
            ["Link"] = "</style.css>;rel=preload;  as=style",
            ["Expires"] = "Thu, 01 Dec 1994 16:00:00 GMT",
            ["Last-Modified"] = "Tue, 15 Nov 1994 12:45:26 GMT",
            ["X-Keep"] = "kept",
        };
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/raw", (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            foreach (var (name, value) in odd)
            {
                context.Response.Headers[name] = value;
            }

            context.Response.Headers["Keep-Alive"] = "timeout=5";
            context.Response.Headers["Connection"] = "X-Hop";
            context.Response.Headers["X-Hop"] = "1";
            context.Response.Headers["Upgrade"] = "foo";
            return context.Response.WriteAsync("raw");
        }));
        await using var client = Client(time);

        // Bodies are read as bytes: reading as a string parses Content-Type, which re-serialises it on that response.
        using var miss = await client.Client.GetAsync(server.Url("raw"));
        await miss.Content.ReadAsByteArrayAsync();
        Assert.Equal("1", Header(miss, "X-Hop")); // the origin did send them
        Assert.Equal("timeout=5", Header(miss, "Keep-Alive"));
        _ = miss.Headers.CacheControl; // typed access on a response re-serialises its values; the stored ones stay raw
        using var hit = await client.Client.GetAsync(server.Url("raw"));
        await hit.Content.ReadAsByteArrayAsync();

        Assert.Contains("; hit", Status(hit), StringComparison.Ordinal);
        foreach (var (name, value) in odd)
        {
            Assert.Equal(value, Header(hit, name));
        }

        Assert.Null(Header(hit, "Keep-Alive"));
        Assert.Null(Header(hit, "Connection"));
        Assert.Null(Header(hit, "X-Hop"));
        Assert.Null(Header(hit, "Upgrade"));
        Assert.Null(Header(hit, "Transfer-Encoding"));
    }
}
