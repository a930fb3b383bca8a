using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Retries.RetryEndToEndTests;

namespace StatusAwareHttp.Tests.Retries;

/// <summary>
/// The caller's control of retries, over real sockets, on <c>SendAsync</c> and on the synchronous <c>Send</c>: a
/// request's own limit (<c>SetMaxRetries</c>), the veto (<c>Retries.ShouldRetry</c>) and the callback
/// (<c>Retries.OnRetry</c>).
/// </summary>
public sealed class RetryControlTests
{
    /// <summary>Sends on the async path, or on the synchronous one (on a pool thread), and drives the fake clock's waits.</summary>
    private static Task<(HttpResponseMessage Response, IReadOnlyList<TimeSpan> Waits)> Send(
        TestClient test, TimerWatchingTimeProvider time, HttpRequestMessage request, bool async) =>
        time.DriveAsync(async ? test.Client.SendAsync(request) : Task.Run(() => test.Client.Send(request)));

    private static HttpRequestMessage Get(LoopbackServer server, string path) => new(HttpMethod.Get, server.Url(path));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SetMaxRetries_0_turns_retries_off_for_one_request(bool async)
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFlaky(app, "/off", 1, 503);
            MapFlaky(app, "/on", 1, 503);
        });
        await using var test = Client(time);

        var (off, offWaits) = await Send(test, time, Get(server, "/off").SetMaxRetries(0), async);
        var (on, _) = await Send(test, time, Get(server, "/on"), async);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, off.StatusCode);
        Assert.Equal(1, server.CountFor("/off"));
        Assert.Empty(offWaits);
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        Assert.Equal(2, server.CountFor("/on"));
        Assert.Equal(0, Count(test, 301));
        off.Dispose();
        on.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SetMaxRetries_sets_a_request_s_own_limit_above_or_below_the_client_s(bool async)
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFlaky(app, "/more", 3, 503);
            MapFlaky(app, "/fewer", 5, 503);
            MapFlaky(app, "/client", 1, 503);
        });
        await using var test = Client(time, r => r.MaxRetries = 1);

        var (more, _) = await Send(test, time, Get(server, "/more").SetMaxRetries(3), async);
        Assert.Equal(HttpStatusCode.OK, more.StatusCode);
        Assert.Equal(4, server.CountFor("/more"));

        var (client, _) = await Send(test, time, Get(server, "/client"), async);
        Assert.Equal(HttpStatusCode.OK, client.StatusCode);
        Assert.Equal(2, server.CountFor("/client"));

        var (fewer, _) = await Send(test, time, Get(server, "/fewer").SetMaxRetries(2), async);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, fewer.StatusCode);
        Assert.Equal(3, server.CountFor("/fewer"));
        Assert.Contains("after 3 attempts", Assert.Single(test.Logs.GetSnapshot(), l => l.Id.Id == 301).Message, StringComparison.Ordinal);
        Assert.Contains(test.Logs.GetSnapshot(), l => l.Id.Id == 300 && l.Message.Contains("retry 3 of 3", StringComparison.Ordinal));
        more.Dispose();
        client.Dispose();
        fewer.Dispose();
    }

    [Fact]
    public void SetMaxRetries_takes_0_to_10_and_reads_back()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/");
        Assert.Null(request.GetMaxRetries());
        Assert.Same(request, request.SetMaxRetries(10));
        Assert.Equal(10, request.GetMaxRetries());
        Assert.Equal(0, request.SetMaxRetries(0).GetMaxRetries());
        Assert.Throws<ArgumentOutOfRangeException>(() => request.SetMaxRetries(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => request.SetMaxRetries(11));
        Assert.Throws<ArgumentNullException>(() => RetryRequestExtensions.SetMaxRetries(null!, 1));
        Assert.Equal(0, request.GetMaxRetries());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ShouldRetry_vetoes_a_retry_and_sees_what_would_be_retried(bool async)
    {
        var time = new TimerWatchingTimeProvider();
        var seen = new List<(int Attempt, RetryReason Reason, int? Status, TimeSpan? Delay, bool SameRequest, bool HasException)>();
        HttpRequestMessage? sent = null;
        await using var server = await LoopbackServer.StartAsync(app => MapFlaky(app, "/r", 3, 503, () => "2"));
        await using var test = Client(time, r => r.ShouldRetry = ctx =>
        {
            seen.Add((ctx.Attempt, ctx.Reason, (int?)ctx.Response?.StatusCode, ctx.Delay, ReferenceEquals(ctx.Request, sent), ctx.Exception is not null));
            return ctx.Attempt < 2;
        });
        using var refused = new MetricCollector<long>(test.Services.GetRequiredService<StatusAwareHttpMeter>().Meter, "statusawarehttp.retry.refused");

        sent = Get(server, "/r");
        var (response, waits) = await Send(test, time, sent, async);

        // The first retry went ahead (after its Retry-After); the second was vetoed: its 503 came back.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(2, server.CountFor("/r"));
        Assert.Equal([TimeSpan.FromSeconds(2)], waits);
        Assert.Equal(
            [(1, RetryReason.Status, 503, TimeSpan.FromSeconds(2), true, false), (2, RetryReason.Status, 503, TimeSpan.FromSeconds(2), true, false)],
            seen);
        Assert.Contains("vetoed retry 2", Assert.Single(test.Logs.GetSnapshot(), l => l.Id.Id == 311).Message, StringComparison.Ordinal);
        Assert.Equal("vetoed", Assert.Single(refused.GetMeasurementSnapshot()).Tags["reason"]);
        Assert.Equal(TimeSpan.FromSeconds(2), response.GetRetryAfter());
        response.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ShouldRetry_sees_a_connection_failure_and_its_veto_rethrows_it(bool async)
    {
        var time = new TimerWatchingTimeProvider();
        RetryContext? seen = null;
        await using var server = await LoopbackServer.StartAsync(app => app.Map("/r", (HttpContext c) =>
        {
            c.Abort();
            return Task.CompletedTask;
        }));
        await using var test = Client(time, r => r.ShouldRetry = ctx =>
        {
            seen = ctx;
            return false;
        });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Send(test, time, Get(server, "/r"), async));

        Assert.Equal(1, server.CountFor("/r"));
        Assert.NotNull(seen);
        Assert.Equal(RetryReason.ConnectionFailure, seen.Reason);
        Assert.Same(error, seen.Exception);
        Assert.Null(seen.Response);
        Assert.Null(seen.Delay);
        Assert.Equal(1, seen.Attempt);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OnRetry_is_told_of_each_retry_with_attempt_delay_reason_and_response(bool async)
    {
        var time = new TimerWatchingTimeProvider();
        var told = new List<(int Attempt, TimeSpan? Delay, RetryReason Reason, int Status, string Body)>();
        await using var server = await LoopbackServer.StartAsync(app => MapFlaky(app, "/r", 2, 503, () => "3", bodyBytes: 4));
        await using var test = Client(time, r => r.OnRetry = ctx =>
            told.Add((ctx.Attempt, ctx.Delay, ctx.Reason, (int)ctx.Response!.StatusCode, Convert.ToHexString(ctx.Response.Content.ReadAsByteArrayAsync().Result))));

        var (response, waits) = await Send(test, time, Get(server, "/r"), async);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, server.CountFor("/r"));
        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)], waits);
        Assert.Equal([(1, TimeSpan.FromSeconds(3), RetryReason.Status, 503, "00000000"), (2, TimeSpan.FromSeconds(3), RetryReason.Status, 503, "00000000")], told);
        response.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OnRetry_sees_the_backoff_delay_it_waits(bool async)
    {
        var time = new TimerWatchingTimeProvider();
        var delays = new List<TimeSpan?>();
        await using var server = await LoopbackServer.StartAsync(app => MapFlaky(app, "/r", 2, 504));
        await using var test = Client(time, r =>
        {
            r.ShouldRetry = ctx => ctx.Delay is null;
            r.OnRetry = ctx => delays.Add(ctx.Delay);
        });

        var (response, waits) = await Send(test, time, Get(server, "/r"), async);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The timers wait whole milliseconds.
        Assert.Equal(2, delays.Count);
        Assert.Equal(waits.Count, delays.Count);
        Assert.All(waits.Zip(delays), pair => Assert.InRange(pair.First - pair.Second!.Value, TimeSpan.FromMilliseconds(-1), TimeSpan.FromMilliseconds(1)));
        response.Dispose();
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public async Task A_hook_that_throws_fails_the_request_with_its_exception_and_the_retried_response_is_disposed(bool async, bool inShouldRetry)
    {
        var time = new TimerWatchingTimeProvider();
        HttpResponseMessage? retried = null;
        await using var server = await LoopbackServer.StartAsync(app => MapFlaky(app, "/r", 1, 503, bodyBytes: 16));
        await using var test = Client(time, r =>
        {
            Action<RetryContext> fail = ctx =>
            {
                retried = ctx.Response;
                throw new InvalidOperationException("hook failed");
            };
            if (inShouldRetry)
            {
                r.ShouldRetry = ctx =>
                {
                    fail(ctx);
                    return true;
                };
            }
            else
            {
                r.OnRetry = fail;
            }
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Send(test, time, Get(server, "/r"), async));

        Assert.Equal("hook failed", error.Message);
        Assert.Equal(1, server.CountFor("/r"));
        Assert.NotNull(retried);
        Assert.Throws<ObjectDisposedException>(() => retried.Content.ReadAsStream());
    }
}
