using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Testing;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Retries;

public sealed class RetryEndToEndTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    /// <summary>Maps <paramref name="path"/>: the first <paramref name="failures"/> requests get <paramref name="status"/>, later ones 200 "ok".</summary>
    internal static void MapFlaky(WebApplication app, string path, int failures, int status, Func<string?>? retryAfter = null, int bodyBytes = 0)
    {
        var count = 0;
        app.Map(path, async (HttpContext c) =>
        {
            if (Interlocked.Increment(ref count) <= failures)
            {
                c.Response.StatusCode = status;
                if (retryAfter?.Invoke() is { } value)
                {
                    c.Response.Headers.RetryAfter = value;
                }

                await c.Response.Body.WriteAsync(new byte[bodyBytes]);
                return;
            }

            await c.Response.WriteAsync("ok");
        });
    }

    /// <summary>
    /// A <see cref="TestOrigin"/> whose <c>/r</c> answers <paramref name="failures"/> requests of any method with
    /// <paramref name="status"/> (with <c>Retry-After</c> when given, and a body of that many bytes), the later ones 200 "ok".
    /// </summary>
    internal static async Task<TestOrigin> FlakyOrigin(int failures, int status, string? retryAfter = null, int bodyBytes = 0)
    {
        var origin = await TestOrigin.StartAsync();
        var route = origin.Map("/r");
        if (failures > 0)
        {
            var step = TestStep.Answer(status, bodyBytes > 0 ? new string('\0', bodyBytes) : null).Times(failures);
            route.Script(retryAfter is null ? step : step.WithHeader("Retry-After", retryAfter));
        }

        route.Script(TestStep.Answer(200, "ok").Always());
        return origin;
    }

    internal static TestClient Client(TimeProvider? time = null, Action<RetryOptions>? retries = null, Action<IHttpClientBuilder>? builder = null) =>
        TestClient.Create(o => retries?.Invoke(o.Retries), builder, time: time);

    internal static int Count(TestClient test, int eventId) => test.Logs.GetSnapshot().Count(l => l.Id.Id == eventId);

    [Fact]
    public async Task A_503_with_Retry_After_seconds_is_retried_after_exactly_that_time_never_earlier()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(1, 503, "5");
        await using var test = Client(time);
        using var retried = new MetricCollector<long>(test.Services.GetRequiredService<StatusAwareHttpMeter>().Meter, "statusawarehttp.retry.retried");

        var request = test.Client.GetAsync(server.Url("/r"));
        var due = await time.NextTimerAsync();
        Assert.Equal(TimeSpan.FromSeconds(5), due);

        time.Advance(due - TimeSpan.FromTicks(1));
        Assert.False(request.IsCompleted);
        Assert.Equal(1, server.Count("/r"));

        time.Advance(TimeSpan.FromTicks(1));
        using var response = await request.WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, server.Count("/r"));
        Assert.Null(response.GetRetryAfter());
        var log = Assert.Single(test.Logs.GetSnapshot(), l => l.Id.Id == 300);
        Assert.Contains("Retry-After", log.Message, StringComparison.Ordinal);
        var measurement = Assert.Single(retried.GetMeasurementSnapshot());
        Assert.Equal(503, measurement.Tags["http.response.status_code"]);
        Assert.Equal("status", measurement.Tags["reason"]);
    }

    [Theory]
    [InlineData("ddd, dd MMM yyyy HH':'mm':'ss 'GMT'")] // IMF-fixdate
    [InlineData("dddd, dd-MMM-yy HH':'mm':'ss 'GMT'")] // obsolete RFC 850
    [InlineData("ddd MMM d HH':'mm':'ss yyyy")] // asctime
    public async Task A_503_with_a_Retry_After_date_waits_until_that_date(string format)
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await LoopbackServer.StartAsync(app =>
            MapFlaky(app, "/r", 1, 503, () => time.GetUtcNow().AddSeconds(12).ToString(format, CultureInfo.InvariantCulture)));
        await using var test = Client(time);

        var request = test.Client.GetAsync(server.Url("/r"));
        var (response, waits) = await time.DriveAsync(request);

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal([TimeSpan.FromSeconds(12)], waits);
            Assert.Equal(2, server.CountFor("/r"));
        }
    }

    [Fact]
    public async Task A_504_without_Retry_After_backs_off_exponentially_with_jitter_within_the_cap()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(3, 504);
        await using var test = Client(time, r => r.MaxRetryAfter = TimeSpan.FromSeconds(10));

        var (response, waits) = await time.DriveAsync(test.Client.GetAsync(server.Url("/r")));

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(4, server.Count("/r"));
            Assert.Equal(3, waits.Count);
            Assert.All(waits, w => Assert.InRange(w, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(10)));
            Assert.All(test.Logs.GetSnapshot().Where(l => l.Id.Id == 300), l => Assert.Contains("backoff", l.Message, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task The_default_statuses_are_retried(int status)
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(1, status, "1");
        await using var test = Client(time);

        var (response, waits) = await time.DriveAsync(test.Client.GetAsync(server.Url("/r")));

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, server.Count("/r"));
            Assert.Equal([TimeSpan.FromSeconds(1)], waits);
        }
    }

    [Theory]
    [InlineData(500)]
    [InlineData(501)]
    [InlineData(505)]
    [InlineData(404)]
    public async Task Other_statuses_are_not_retried_by_default(int status)
    {
        await using var server = await FlakyOrigin(1, status, "1");
        await using var test = Client(new TimerWatchingTimeProvider());

        using var response = await test.Client.GetAsync(server.Url("/r")).WaitAsync(s_timeout);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(1, server.Count("/r"));
    }

    [Fact]
    public async Task The_statuses_are_an_option()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(1, 500, "1");
        await using var test = Client(time, r => r.StatusCodes.Add(500));

        var (response, _) = await time.DriveAsync(test.Client.GetAsync(server.Url("/r")));

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, server.Count("/r"));
        }
    }

    [Fact]
    public async Task A_connection_dropped_before_the_response_is_retried()
    {
        var time = new TimerWatchingTimeProvider();
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.Map("/r", (HttpContext c) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                c.Abort();
                return Task.CompletedTask;
            }

            return c.Response.WriteAsync("ok");
        }));
        await using var test = Client(time);
        using var retried = new MetricCollector<long>(test.Services.GetRequiredService<StatusAwareHttpMeter>().Meter, "statusawarehttp.retry.retried");

        var (response, waits) = await time.DriveAsync(test.Client.GetAsync(server.Url("/r")));

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, server.CountFor("/r"));
            Assert.Single(waits);
            Assert.Equal("connection_failure", Assert.Single(retried.GetMeasurementSnapshot()).Tags["reason"]);
            Assert.Contains("HttpRequestException", Assert.Single(test.Logs.GetSnapshot(), l => l.Id.Id == 300).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_connection_that_keeps_failing_rethrows_the_last_exception_after_the_retries()
    {
        var time = new TimerWatchingTimeProvider();
        Uri closed;
        await using (var gone = await LoopbackServer.StartAsync(_ => { }))
        {
            closed = gone.Url("/r");
        }

        await using var test = Client(time);

        var request = test.Client.GetAsync(closed);
        var error = await Assert.ThrowsAsync<HttpRequestException>(async () => await time.DriveAsync(request));

        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Equal(3, Count(test, 300));
        Assert.Equal(1, Count(test, 301));
    }

    [Fact]
    public async Task A_request_that_fails_before_it_leaves_the_machine_is_not_retried()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(0, 200);
        await using var test = Client(time);
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Url("/r"));

        // .NET refuses to send a non-ASCII header value: HttpRequestError.Unknown, raised before any byte is written.
        request.Headers.TryAddWithoutValidation("X-Name", "caf\u00e9");
        var sending = test.Client.SendAsync(request);

        // Before, the failure was taken for a connection failure and waited on a backoff timer (the fake clock never moves).
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => sending.WaitAsync(s_timeout));
        Assert.Equal(HttpRequestError.Unknown, error.HttpRequestError);
        Assert.Equal(0, server.Count("/r"));
        Assert.Equal(0, Count(test, 300));
    }

    [Fact]
    public async Task A_POST_is_not_retried_and_the_caller_can_read_the_Retry_After()
    {
        await using var server = await FlakyOrigin(1, 503, "7");
        await using var test = Client(new TimerWatchingTimeProvider());
        using var refused = new MetricCollector<long>(test.Services.GetRequiredService<StatusAwareHttpMeter>().Meter, "statusawarehttp.retry.refused");

        using var response = await test.Client.PostAsync(server.Url("/r"), new StringContent("order")).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, server.Count("/r"));
        Assert.Equal(TimeSpan.FromSeconds(7), response.GetRetryAfter());
        Assert.Equal(1, Count(test, 304));
        Assert.Equal("not_idempotent", Assert.Single(refused.GetMeasurementSnapshot()).Tags["reason"]);
    }

    [Fact]
    public async Task A_POST_after_a_dropped_connection_is_not_retried_either()
    {
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.Map("/r", (HttpContext c) =>
        {
            Interlocked.Increment(ref calls);
            c.Abort();
            return Task.CompletedTask;
        }));
        await using var test = Client(new TimerWatchingTimeProvider());

        await Assert.ThrowsAsync<HttpRequestException>(() => test.Client.PostAsync(server.Url("/r"), new StringContent("order")).WaitAsync(s_timeout));

        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    public async Task A_POST_or_PATCH_with_an_Idempotency_Key_is_retried_with_the_same_key_and_body(string method)
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(1, 503, "1");
        await using var test = Client(time);
        using var request = new HttpRequestMessage(new HttpMethod(method), server.Url("/r")) { Content = new StringContent("{\"order\":42}", Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"");

        var (response, _) = await time.DriveAsync(test.Client.SendAsync(request));

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var received = server.Requests.Where(r => r.Target == "/r").ToArray();
            Assert.Equal(2, received.Length);
            Assert.All(received, r =>
            {
                Assert.Equal(method, r.Method);
                Assert.Equal("{\"order\":42}", r.BodyText());
                Assert.Equal("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"", r.Header("Idempotency-Key"));
            });
        }
    }

    [Fact]
    public async Task An_Idempotency_Key_is_not_enough_when_the_option_is_off()
    {
        await using var server = await FlakyOrigin(1, 503, "1");
        await using var test = Client(new TimerWatchingTimeProvider(), r => r.RetryPostWithIdempotencyKey = false);
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Url("/r")) { Content = new StringContent("x") };
        request.Headers.Add("Idempotency-Key", "\"k\"");

        using var response = await test.Client.SendAsync(request).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, server.Count("/r"));
    }

    [Fact]
    public async Task A_PUT_resends_its_whole_body_on_every_attempt()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(2, 503, "1");
        await using var test = Client(time);
        var body = new string('b', 200_000);

        var (response, _) = await time.DriveAsync(test.Client.PutAsync(server.Url("/r"), new StringContent(body, Encoding.UTF8, "application/vnd.test")));

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var received = server.Requests.Where(r => r.Target == "/r").ToArray();
            Assert.Equal(3, received.Length);
            Assert.All(received, r =>
            {
                Assert.Equal("PUT", r.Method);
                Assert.Equal(body, r.BodyText());
                Assert.StartsWith("application/vnd.test", r.Header("Content-Type"), StringComparison.Ordinal);
            });
        }
    }

    [Fact]
    public async Task A_one_shot_body_is_not_retried_the_response_goes_back()
    {
        await using var server = await FlakyOrigin(1, 503, "1");
        await using var test = Client(new TimerWatchingTimeProvider());

        using var response = await test.Client.PutAsync(server.Url("/r"), new StreamContent(new OneShotStream(Encoding.UTF8.GetBytes("once only")))).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("once only", Assert.Single(server.Requests).BodyText());
        Assert.Equal(1, Count(test, 305));
    }

    [Fact]
    public async Task A_persistent_503_gives_up_after_MaxRetries_and_hands_back_the_last_response()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(int.MaxValue, 503, "2", bodyBytes: 10);
        await using var test = Client(time);
        using var refused = new MetricCollector<long>(test.Services.GetRequiredService<StatusAwareHttpMeter>().Meter, "statusawarehttp.retry.refused");

        var (response, waits) = await time.DriveAsync(test.Client.GetAsync(server.Url("/r")));

        using (response)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(10, (await response.Content.ReadAsByteArrayAsync()).Length);
            Assert.Equal(4, server.Count("/r"));
            Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)], waits);
            Assert.Equal(TimeSpan.FromSeconds(2), response.GetRetryAfter());
            Assert.Equal(1, Count(test, 301));
            Assert.Equal("exhausted", Assert.Single(refused.GetMeasurementSnapshot()).Tags["reason"]);
        }
    }

    [Fact]
    public async Task MaxRetries_is_an_option()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(int.MaxValue, 503, "1");
        await using var test = Client(time, r => r.MaxRetries = 1);

        var (response, _) = await time.DriveAsync(test.Client.GetAsync(server.Url("/r")));

        using (response)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(2, server.Count("/r"));
        }
    }

    [Theory]
    [InlineData("3600")]
    [InlineData("31")]
    public async Task A_Retry_After_over_the_cap_is_not_waited_the_response_goes_back_at_once_with_its_delay(string retryAfter)
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(1, 503, retryAfter);
        await using var test = Client(time);

        using var response = await test.Client.GetAsync(server.Url("/r")).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(int.Parse(retryAfter, CultureInfo.InvariantCulture)), response.GetRetryAfter());
        Assert.Equal(1, server.Count("/r"));
        Assert.Equal(0, time.TimersCreated);
        Assert.Equal(1, Count(test, 302));
    }

    [Fact]
    public async Task A_cap_of_zero_hands_back_every_Retry_After_and_retries_without_waiting()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFlaky(app, "/asks", 1, 503, () => "1");
            MapFlaky(app, "/plain", 1, 503);
        });
        await using var test = Client(time, r => r.MaxRetryAfter = TimeSpan.Zero);

        using var asks = await test.Client.GetAsync(server.Url("/asks")).WaitAsync(s_timeout);
        using var plain = await test.Client.GetAsync(server.Url("/plain")).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, asks.StatusCode);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(0, time.TimersCreated);
    }

    [Fact]
    public async Task A_Retry_After_past_the_time_left_is_not_waited()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(1, 503, "20");
        await using var test = Client(time, r => r.TimeLimit = TimeSpan.FromSeconds(15));

        using var response = await test.Client.GetAsync(server.Url("/r")).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(20), response.GetRetryAfter());
        Assert.Equal(0, time.TimersCreated);
        Assert.Equal(1, Count(test, 303));
    }

    [Fact]
    public async Task Time_spent_in_earlier_attempts_counts_against_the_time_left()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(int.MaxValue, 503, "8");
        await using var test = Client(time, r => r.TimeLimit = TimeSpan.FromSeconds(20));

        var (response, waits) = await time.DriveAsync(test.Client.GetAsync(server.Url("/r")));

        using (response)
        {
            // 8 s waited (12 left), 8 s waited (4 left), then 8 s would end past the limit: the third 503 goes back.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(2, waits.Count);
            Assert.Equal(3, server.Count("/r"));
            Assert.Equal(1, Count(test, 303));
        }
    }

    [Fact]
    public async Task Cancellation_stops_a_wait_at_once()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(1, 503, "10");
        await using var test = Client(time);
        using var cts = new CancellationTokenSource();

        var request = test.Client.GetAsync(server.Url("/r"), cts.Token);
        Assert.Equal(TimeSpan.FromSeconds(10), await time.NextTimerAsync());
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, server.Count("/r"));
    }

    [Fact]
    public async Task HttpClient_Timeout_stops_a_wait_at_once()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await FlakyOrigin(1, 503, "10");
        await using var test = Client(time, builder: b => b.ConfigureHttpClient(c => c.Timeout = TimeSpan.FromSeconds(2)));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        // Fake time never moves: only HttpClient's own (real) timeout can end the 10 s wait.
        var error = await Assert.ThrowsAsync<TaskCanceledException>(() => test.Client.GetAsync(server.Url("/r")).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Equal(1, server.Count("/r"));
    }

    [Fact]
    public async Task Every_discarded_response_is_disposed_so_one_connection_serves_all_attempts()
    {
        // One connection per server: an undisposed 503 would hold it, and the next attempt would wait forever.
        await using var server = await FlakyOrigin(3, 503, "0", bodyBytes: 64 * 1024);
        await using var test = Client(
            new TimerWatchingTimeProvider(),
            builder: b => b
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { MaxConnectionsPerServer = 1 })
                .ConfigureHttpClient(c => c.Timeout = TimeSpan.FromSeconds(10)));

        using var response = await test.Client.GetAsync(server.Url("/r"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, server.Count("/r"));
        Assert.Equal(3, Count(test, 300));
    }

    [Fact]
    public async Task The_leak_test_detects_a_handler_that_does_not_dispose()
    {
        // The control for the test above: the same set-up with a naive retry that drops responses undisposed hangs.
        await using var server = await FlakyOrigin(1, 503, "0", bodyBytes: 64 * 1024);
        await using var test = Client(
            retries: r => r.Enabled = false,
            builder: b => b
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { MaxConnectionsPerServer = 1 })
                .AddHttpMessageHandler(() => new LeakyRetryHandler())
                .ConfigureHttpClient(c => c.Timeout = TimeSpan.FromSeconds(1)));

        await Assert.ThrowsAsync<TaskCanceledException>(() => test.Client.GetAsync(server.Url("/r")));
    }

    [Fact]
    public async Task With_retries_disabled_nothing_is_retried()
    {
        await using var server = await FlakyOrigin(1, 503, "1");
        await using var test = Client(new TimerWatchingTimeProvider(), r => r.Enabled = false);

        using var response = await test.Client.GetAsync(server.Url("/r")).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, server.Count("/r"));
    }

    private sealed class LeakyRetryHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                return response;
            }

            var next = await base.SendAsync(request, cancellationToken);

            // Dropped, not disposed; kept reachable so that no collection can release its connection either.
            GC.KeepAlive(response);
            return next;
        }
    }

    private sealed class OneShotStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Position
        {
            get => base.Position;
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
