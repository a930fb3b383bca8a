using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Retries.RetryEndToEndTests;

namespace StatusAwareHttp.Tests.Retries;

public sealed class RetryGateAndBudgetTests
{
    private const int Concurrent = 50;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private static void MapOk(WebApplication app, string path) => app.Map(path, () => "ok");

    private static async Task WaitForTimersAsync(TimerWatchingTimeProvider time, int count, TimeSpan due)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(due, await time.NextTimerAsync());
        }
    }

    [Fact]
    public async Task Once_an_origin_asks_for_time_50_concurrent_requests_to_it_wait_instead_of_stampeding()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFlaky(app, "/busy", 1, 503, () => "10");
            MapOk(app, "/other");
        });
        await using var elsewhere = await LoopbackServer.StartAsync(app => MapOk(app, "/other"));
        await using var test = Client(time);
        using var gate = new MetricCollector<long>(test.Services.GetRequiredService<StatusAwareHttpMeter>().Meter, "statusawarehttp.retry.gate");

        var first = test.Client.GetAsync(server.Url("/busy"));
        await WaitForTimersAsync(time, 1, TimeSpan.FromSeconds(10)); // its own retry wait
        // Distinct queries: identical concurrent GETs would be collapsed into one by the cache (outside the retries).
        var others = Enumerable.Range(0, Concurrent).Select(i => test.Client.GetAsync(server.Url($"/other?i={i}"))).ToArray();
        await WaitForTimersAsync(time, Concurrent, TimeSpan.FromSeconds(10)); // every one of them waits at the gate

        // Another origin is not held.
        using (var unaffected = await test.Client.GetAsync(elsewhere.Url("/other")).WaitAsync(s_timeout))
        {
            Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);
        }

        Assert.Single(server.Requests);
        Assert.All(others, t => Assert.False(t.IsCompleted));

        time.Advance(TimeSpan.FromSeconds(10));
        var responses = await Task.WhenAll(others.Append(first)).WaitAsync(s_timeout);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, server.CountFor("/busy"));
        Assert.Equal(Concurrent, server.CountFor("/other"));
        Assert.Equal(Concurrent, gate.GetMeasurementSnapshot().Count(m => (string?)m.Tags["outcome"] == "waited"));
        Assert.Equal(1, Count(test, 307));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Requests_that_cannot_wait_for_the_origin_fail_fast_without_being_sent()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFlaky(app, "/busy", 1, 503, () => "20");
            MapOk(app, "/other");
        });
        await using var test = Client(time, r => r.TimeLimit = TimeSpan.FromSeconds(15));

        using (var first = await test.Client.GetAsync(server.Url("/busy")).WaitAsync(s_timeout))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode); // 20 s is past its 15 s
        }

        var others = Enumerable.Range(0, Concurrent).Select(_ => test.Client.GetAsync(server.Url("/other"))).ToArray();
        foreach (var other in others)
        {
            var error = await Assert.ThrowsAsync<RetryGateClosedException>(() => other.WaitAsync(s_timeout));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(20), error.RetryAfter);
        }

        Assert.Single(server.Requests);
        Assert.Equal(0, time.TimersCreated);

        time.Advance(TimeSpan.FromSeconds(20));
        using var later = await test.Client.GetAsync(server.Url("/other")).WaitAsync(s_timeout);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task The_gate_never_holds_longer_than_the_cap()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFlaky(app, "/busy", 1, 429, () => "3600");
            MapOk(app, "/other");
        });
        await using var test = Client(time);

        using (var first = await test.Client.GetAsync(server.Url("/busy")).WaitAsync(s_timeout))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
            Assert.Equal(TimeSpan.FromHours(1), first.GetRetryAfter());
        }

        // An hour is over the 30 s cap: nobody waits it out; requests fail fast for the cap, then go again.
        var held = await Assert.ThrowsAsync<RetryGateClosedException>(() => test.Client.GetAsync(server.Url("/other")).WaitAsync(s_timeout));
        Assert.Equal(TimeSpan.FromSeconds(30), held.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);

        time.Advance(TimeSpan.FromSeconds(30));
        using var after = await test.Client.GetAsync(server.Url("/other")).WaitAsync(s_timeout);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task The_gate_opens_on_the_origins_next_success()
    {
        var time = new TimerWatchingTimeProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/slow", async () =>
            {
                await release.Task;
                return "slow ok";
            });
            MapFlaky(app, "/busy", 1, 503, () => "20");
            MapOk(app, "/other");
        });
        await using var test = Client(time);

        var slow = test.Client.GetAsync(server.Url("/slow")); // in flight before the gate closes
        await Poll(() => server.CountFor("/slow") == 1);
        var busy = test.Client.GetAsync(server.Url("/busy"));
        await WaitForTimersAsync(time, 1, TimeSpan.FromSeconds(20));
        var waiting = test.Client.GetAsync(server.Url("/other"));
        await WaitForTimersAsync(time, 1, TimeSpan.FromSeconds(20));
        Assert.False(waiting.IsCompleted);

        release.SetResult(); // the origin answers 200: the gate opens, with no time passing
        using (var opened = await waiting.WaitAsync(s_timeout))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        }

        (await slow).Dispose();
        Assert.Equal(1, Count(test, 310)); // logged by the request whose 200 opened the gate

        // The request that was answered 503 still honours its own Retry-After.
        Assert.False(busy.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(20));
        using var retried = await busy.WaitAsync(s_timeout);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
    }

    [Fact]
    public async Task Cancellation_stops_a_wait_at_the_gate_at_once()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFlaky(app, "/busy", 1, 503, () => "10");
            MapOk(app, "/other");
        });
        await using var test = Client(time);
        using var cts = new CancellationTokenSource();

        var busy = test.Client.GetAsync(server.Url("/busy"));
        await WaitForTimersAsync(time, 1, TimeSpan.FromSeconds(10));
        var waiting = test.Client.GetAsync(server.Url("/other"), cts.Token);
        await WaitForTimersAsync(time, 1, TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, server.CountFor("/other"));
        time.Advance(TimeSpan.FromSeconds(10));
        (await busy.WaitAsync(s_timeout)).Dispose();
    }

    [Fact]
    public async Task The_gate_can_be_turned_off()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFlaky(app, "/busy", 1, 503, () => "20");
            MapOk(app, "/other");
        });
        await using var test = Client(time, r => r.UseOriginGate = false);

        var busy = test.Client.GetAsync(server.Url("/busy"));
        await WaitForTimersAsync(time, 1, TimeSpan.FromSeconds(20));
        using var other = await test.Client.GetAsync(server.Url("/other")).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        time.Advance(TimeSpan.FromSeconds(20));
        (await busy.WaitAsync(s_timeout)).Dispose();
    }

    [Fact]
    public async Task During_an_outage_the_budget_keeps_50_concurrent_requests_from_multiplying_traffic()
    {
        await using var server = await LoopbackServer.StartAsync(app => MapFlaky(app, "/down", int.MaxValue, 503));
        await using var test = Client(new TimerWatchingTimeProvider(), r => r.BaseDelay = TimeSpan.Zero);
        using var refused = new MetricCollector<long>(test.Services.GetRequiredService<StatusAwareHttpMeter>().Meter, "statusawarehttp.retry.refused");

        var responses = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => test.Client.GetAsync(server.Url("/down")))).WaitAsync(s_timeout);

        // Without the budget: 50 x 4 = 200 requests. With it: the 10 tokens it starts with, plus 20% of 50 requests.
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
        var retries = server.CountFor("/down") - Concurrent;
        Assert.InRange(retries, 10, 20);
        var budgetRefusals = refused.GetMeasurementSnapshot().Count(m => (string?)m.Tags["reason"] == "budget");
        Assert.InRange(budgetRefusals, Concurrent - 20, Concurrent);
        Assert.Equal(budgetRefusals, Count(test, 306));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task After_the_outage_successes_refill_the_budget_so_an_isolated_failure_is_retried_again()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFlaky(app, "/down", int.MaxValue, 503);
            MapFlaky(app, "/blip", 1, 503);
            MapFlaky(app, "/blip2", 1, 503);
            MapOk(app, "/ok");
        });
        await using var test = Client(new TimerWatchingTimeProvider(), r => r.BaseDelay = TimeSpan.Zero);

        // Drain the 10 tokens the bucket starts with (each request also adds 0.2 once below full):
        // 10 -3 = 7, +0.2 -3 = 4.2, +0.2 -3 = 1.4, +0.2 -1 = 0.6, +0.2 = 0.8, +0.2 -1 = 0.
        for (var i = 0; i < 6; i++)
        {
            (await test.Client.GetAsync(server.Url("/down")).WaitAsync(s_timeout)).Dispose();
        }

        Assert.Equal(4 + 4 + 4 + 2 + 1 + 2, server.CountFor("/down"));

        using (var blip = await test.Client.GetAsync(server.Url("/blip")).WaitAsync(s_timeout))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, blip.StatusCode); // 0.2 of a token: not retried
            Assert.Equal(1, server.CountFor("/blip"));
        }

        for (var i = 0; i < 3; i++)
        {
            (await test.Client.GetAsync(server.Url("/ok")).WaitAsync(s_timeout)).Dispose();
        }

        using var retried = await test.Client.GetAsync(server.Url("/blip2")).WaitAsync(s_timeout);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode); // 5 requests at 20% bought one retry
        Assert.Equal(2, server.CountFor("/blip2"));
    }

    [Fact]
    public async Task The_gate_and_the_budget_outlive_a_rebuild_of_the_clients_handlers()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFlaky(app, "/down", int.MaxValue, 503);
            MapFlaky(app, "/busy", 1, 503, () => "20");
            MapOk(app, "/other");
        });
        await using var test = Client(time, r =>
        {
            r.BaseDelay = TimeSpan.Zero;
            r.BudgetSize = 3;
            r.TimeLimit = TimeSpan.FromSeconds(15);
        });

        // Two handler chains, as IHttpClientFactory builds them one handler lifetime after another.
        using var before = Chain(test);
        using var after = Chain(test);

        using (var drained = await before.SendAsync(new HttpRequestMessage(HttpMethod.Get, server.Url("/down")), default).WaitAsync(s_timeout))
        {
            Assert.Equal(4, server.CountFor("/down")); // the 3 tokens spent through the first chain
        }

        using (var notRetried = await after.SendAsync(new HttpRequestMessage(HttpMethod.Get, server.Url("/down")), default).WaitAsync(s_timeout))
        {
            Assert.Equal(5, server.CountFor("/down")); // the second chain finds the same empty bucket
        }

        using (var closing = await before.SendAsync(new HttpRequestMessage(HttpMethod.Get, server.Url("/busy")), default).WaitAsync(s_timeout))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, closing.StatusCode); // 20 s is past its 15 s: the gate closes
        }

        // The second chain finds the same closed gate.
        await Assert.ThrowsAsync<RetryGateClosedException>(() => after.SendAsync(new HttpRequestMessage(HttpMethod.Get, server.Url("/other")), default).WaitAsync(s_timeout));
        Assert.Equal(0, server.CountFor("/other"));
    }

    private static HttpMessageInvoker Chain(TestClient test)
    {
        var options = test.Services.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get(TestClient.Name);
        var handlers = StatusHandlingPipeline.CreateHandlers(TestClient.Name, options, test.Services);
        for (var i = 0; i < handlers.Count - 1; i++)
        {
            handlers[i].InnerHandler = handlers[i + 1];
        }

        handlers[^1].InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false };
        return new HttpMessageInvoker(handlers[0]);
    }

    private static async Task Poll(Func<bool> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < s_timeout, "condition not reached");
            await Task.Delay(10);
        }
    }
}
