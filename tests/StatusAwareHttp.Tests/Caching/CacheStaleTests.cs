using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Testing;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>End to end over real sockets: RFC 5861 stale-while-revalidate and stale-if-error, RFC 9111 §4.2.4.</summary>
public class CacheStaleTests
{
    /// <summary>These tests are about the cache's answer to the final error; the retries (inside it) are tested with it once below.</summary>
    private static void NoRetries(StatusHandlingOptions options) => options.Retries.Enabled = false;

    // RFC 5861 §4 "after the retries gave up": the retries handler sits inside the cache; the stale response stands in
    // for the last 503 only once they are done.
    [Fact]
    public async Task Stale_if_error_answers_once_the_retries_gave_up()
    {
        var time = Time();
        await using var origin = await TestOrigin.StartAsync(time);
        var route = origin.Map("/retried", TestRepresentation.Text("good body", cacheControl: "max-age=10, stale-if-error=600") with { SendETag = false, SendLastModified = false });
        await using var client = Client(time);
        (await GetAsync(client, origin.Url("/retried"))).Response.Dispose();
        time.Advance(TimeSpan.FromSeconds(30));
        route.Script(TestStep.Answer(503, "busy").Always());

        var pending = GetAsync(client, origin.Url("/retried"));
        while (!pending.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1)); // the retries' backoff runs on the fake clock
            await Task.WhenAny(pending, Task.Delay(5));
        }

        var (response, body) = await pending;
        Assert.Equal("good body", body);
        Assert.Contains("fwd-status=503", Status(response), StringComparison.Ordinal);
        Assert.Contains("detail=stale-if-error", Status(response), StringComparison.Ordinal);
        Assert.Equal(1 + 1 + 3, route.Count()); // the first 200, then the 503 and its 3 retries
        Assert.Equal(4, route.CountAnswered(503));
        response.Dispose();
    }

    [Fact]
    public async Task Stale_while_revalidate_serves_at_once_and_revalidates_once_in_the_background()
    {
        var time = Time();
        await using var origin = await TestOrigin.StartAsync(time);
        var representation = TestRepresentation.Text("swr body", cacheControl: "max-age=10, stale-while-revalidate=60");
        var route = origin.Map("/swr", representation);
        await using var client = Client(time);
        (await GetAsync(client, origin.Url("/swr"))).Response.Dispose();
        time.Advance(TimeSpan.FromSeconds(20));
        var hold = new TestHold();
        route.Script(TestStep.Hold(hold)); // the background revalidation waits at the origin until the test lets it go

        using var cancel = new CancellationTokenSource();
        using var staleResponse = await client.Client.GetAsync(origin.Url("/swr"), cancel.Token);
        await cancel.CancelAsync(); // the caller's token must not reach the background revalidation
        Assert.Equal("swr body", await staleResponse.Content.ReadAsStringAsync());
        Assert.Equal("StatusAwareHttp; hit; ttl=-10", Status(staleResponse));
        Assert.Equal("20", Header(staleResponse, "Age"));

        // A second stale hit while the first revalidation runs starts no other one.
        await hold.WaitUntilHeldAsync().WaitAsync(TimeSpan.FromSeconds(15));
        var (again, _) = await GetAsync(client, origin.Url("/swr"));
        Assert.Contains("; hit", Status(again), StringComparison.Ordinal);

        route.Representation = representation with { Headers = new Dictionary<string, string> { ["X-Revalidated"] = "yes" } };
        hold.Release();
        await State(client).WhenRevalidationsIdleAsync();
        Assert.Equal(2, route.Count());
        Assert.Equal(representation.ETag, route.Requests[1].Header("If-None-Match"));
        Assert.Equal(304, route.Requests[1].Status);

        var (fresh, _) = await GetAsync(client, origin.Url("/swr"));
        Assert.Equal("StatusAwareHttp; hit; ttl=10", Status(fresh)); // refreshed by the 304
        Assert.Equal("yes", Header(fresh, "X-Revalidated"));
        Assert.Equal(2, route.Count());
        again.Dispose();
        fresh.Dispose();
    }

    [Fact]
    public async Task A_failed_background_revalidation_is_logged_and_leaves_the_entry()
    {
        var time = Time();
        var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time, NoRetries);
        var uri = Dynamic(server, "swr-down", "Cache-Control:max-age=10, stale-while-revalidate=60");
        (await GetAsync(client, uri)).Response.Dispose();
        await server.DisposeAsync(); // the origin goes away
        time.Advance(TimeSpan.FromSeconds(20));

        var (stale, body) = await GetAsync(client, uri);
        await State(client).WhenRevalidationsIdleAsync();

        Assert.Equal("body", body);
        Assert.Contains(client.Logs.GetSnapshot(), r => r.Id.Id == 216 && r.Level == LogLevel.Warning);
        var (still, _) = await GetAsync(client, uri);
        Assert.Contains("; hit", Status(still), StringComparison.Ordinal);
        stale.Dispose();
        still.Dispose();
    }

    // RFC 5861 §4: stale-if-error stands in for a 500, 502, 503 or 504; other statuses pass through.
    [Theory]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(501, false)]
    [InlineData(404, false)]
    public async Task Stale_if_error_serves_the_stored_response_for_server_errors(int status, bool servedStale)
    {
        var time = Time();
        var failing = false;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/sie", (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            if (failing)
            {
                context.Response.StatusCode = status;
                return context.Response.WriteAsync("error body");
            }

            context.Response.Headers.CacheControl = "max-age=10, stale-if-error=60";
            return context.Response.WriteAsync("good body");
        }));
        await using var client = Client(time, NoRetries);
        (await GetAsync(client, server.Url("sie"))).Response.Dispose();
        time.Advance(TimeSpan.FromSeconds(30));
        failing = true;

        var (response, body) = await GetAsync(client, server.Url("sie"));

        Assert.Equal(2, server.CountFor("/sie"));
        if (servedStale)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("good body", body);
            Assert.Equal($"StatusAwareHttp; fwd=stale; fwd-status={status}; ttl=-20; detail=stale-if-error", Status(response));
            Assert.Equal("30", Header(response, "Age"));
        }
        else
        {
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal("error body", body);
        }

        response.Dispose();
    }

    [Fact]
    public async Task Stale_if_error_serves_the_stored_response_when_the_origin_is_unreachable()
    {
        var time = Time();
        var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time, NoRetries);
        var uri = Dynamic(server, "sie-down", "Cache-Control:max-age=10, stale-if-error=60", "ETag:\"v1\"");
        (await GetAsync(client, uri)).Response.Dispose();
        await server.DisposeAsync();
        time.Advance(TimeSpan.FromSeconds(30));

        var (response, body) = await GetAsync(client, uri);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("body", body);
        Assert.Equal("StatusAwareHttp; fwd=stale; ttl=-20; detail=stale-if-error", Status(response));

        time.Advance(TimeSpan.FromSeconds(60)); // past the window: the failure reaches the caller
        await Assert.ThrowsAsync<HttpRequestException>(() => client.Client.GetAsync(uri));
        response.Dispose();
    }

    // §4.2.4, §5.2.2.2: must-revalidate forbids serving stale, even on error; a request may grant stale-if-error itself.
    [Theory]
    [InlineData("max-age=10, stale-if-error=60, must-revalidate", null, false)]
    [InlineData("max-age=10", "stale-if-error=60", true)]
    [InlineData("max-age=10, stale-if-error=5", null, false)]
    public async Task Stale_if_error_limits(string responseCacheControl, string? requestCacheControl, bool servedStale)
    {
        var time = Time();
        var failing = false;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/limits", (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = responseCacheControl;
            context.Response.StatusCode = failing ? 503 : 200;
            return context.Response.WriteAsync(failing ? "down" : "up");
        }));
        await using var client = Client(time, NoRetries);
        (await GetAsync(client, server.Url("limits"))).Response.Dispose();
        time.Advance(TimeSpan.FromSeconds(30));
        failing = true;

        var (response, body) = await GetAsync(client, server.Url("limits"), r =>
        {
            if (requestCacheControl is not null)
            {
                r.Headers.TryAddWithoutValidation("Cache-Control", requestCacheControl);
            }
        });

        Assert.Equal(servedStale ? "up" : "down", body);
        response.Dispose();
    }
}
