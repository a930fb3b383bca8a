using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Retries.RetryEndToEndTests;

namespace StatusAwareHttp.Tests.Retries;

/// <summary>Pacing by the RateLimit fields (draft-ietf-httpapi-ratelimit-headers-11) against real origins on 127.0.0.1.</summary>
public sealed class RateLimitEndToEndTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    /// <summary>4 callers sending 5 requests each, one after another.</summary>
    private static async Task<HttpStatusCode[]> RunCallersAsync(HttpClient client, Uri uri, int callers = 4, int each = 5)
    {
        var tasks = Enumerable.Range(0, callers).Select(async c =>
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < each; i++)
            {
                using var response = await client.GetAsync(new Uri(uri, $"?c={c}&i={i}"));
                statuses.Add(response.StatusCode);
            }

            return statuses;
        });
        return (await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60))).SelectMany(s => s).ToArray();
    }

    [Fact]
    public async Task Four_concurrent_callers_make_20_requests_to_a_5_per_2_seconds_origin_without_a_429()
    {
        var quota = new QuotaOrigin(quota: 5, windowSeconds: 2);
        await using var server = await LoopbackServer.StartAsync(app => quota.Map(app, "/q"));
        await using var test = Client(retries: r => r.MaxRetries = 0);
        using var waits = new MetricCollector<long>(test.Services.GetRequiredService<StatusAwareHttpMeter>().Meter, "statusawarehttp.retry.quota_wait");

        var clock = Stopwatch.StartNew();
        var statuses = await RunCallersAsync(test.Client, server.Url("/q"));
        clock.Stop();

        // 20 requests at 5 per fixed 2 s window need 4 windows: the last starts at least 3 × 2 s after the first. Each
        // hold lasts the announced t (whole seconds, rounded up by the origin), so each window can start up to 1 s late:
        // at most 3 × (2 + 1) s, plus 3 s for the machine.
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal((20, 0), (quota.Served, quota.Refused));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(12));
        Assert.NotEmpty(waits.GetMeasurementSnapshot());
        Assert.True(Count(test, 313) >= 3); // "quota exhausted", once per window at least
    }

    [Fact]
    public async Task The_control_without_reading_the_fields_gets_429s_from_the_same_origin()
    {
        var quota = new QuotaOrigin(quota: 5, windowSeconds: 2);
        await using var server = await LoopbackServer.StartAsync(app => quota.Map(app, "/q"));
        await using var test = Client(retries: r =>
        {
            r.MaxRetries = 0;
            r.UseRateLimitFields = false;
        });

        var statuses = await RunCallersAsync(test.Client, server.Url("/q"));

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.True(quota.Refused > 0);
    }

    [Fact]
    public async Task The_synchronous_Send_waits_for_the_quota_too()
    {
        var quota = new QuotaOrigin(quota: 2, windowSeconds: 1);
        await using var server = await LoopbackServer.StartAsync(app => quota.Map(app, "/q"));
        await using var test = Client(retries: r => r.MaxRetries = 0);

        var clock = Stopwatch.StartNew();
        var statuses = await Task.Run(() => Enumerable.Range(0, 5).Select(i =>
        {
            using var response = test.Client.Send(new HttpRequestMessage(HttpMethod.Get, server.Url($"/q?i={i}")));
            return response.StatusCode;
        }).ToArray()).WaitAsync(s_timeout);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(0, quota.Refused);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), clock.Elapsed.ToString()); // 5 at 2 per second: 3 windows
    }

    private static void MapFields(WebApplication app, string path, Action<HttpContext> fields, int status = 200) =>
        app.Map(path, (HttpContext c) =>
        {
            fields(c);
            c.Response.StatusCode = status;
            return c.Response.WriteAsync("ok");
        });

    [Fact]
    public async Task An_exhausted_quota_fails_fast_when_it_outlasts_the_time_limit_and_other_origins_are_never_held()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFields(app, "/spent", c => c.Response.Headers["RateLimit"] = "\"d\";r=0;t=20");
            app.Map("/other", () => "ok");
        });
        await using var elsewhere = await LoopbackServer.StartAsync(app => app.Map("/other", () => "ok"));
        await using var test = Client(retries: r => r.TimeLimit = TimeSpan.FromSeconds(5));

        (await test.Client.GetAsync(server.Url("/spent"))).Dispose();
        var error = await Assert.ThrowsAsync<RetryGateClosedException>(() => test.Client.GetAsync(server.Url("/other")));
        using var other = await test.Client.GetAsync(elsewhere.Url("/other")).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(0, server.CountFor("/other")); // nothing sent
        Assert.True(error.RetryAfter > TimeSpan.FromSeconds(15));
        Assert.Equal(1, Count(test, 313));
    }

    [Fact]
    public async Task Fields_of_a_response_that_came_through_a_cache_are_ignored_and_a_lagging_Date_is_not_age()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFields(app, "/aged", c =>
            {
                c.Response.Headers["RateLimit"] = "\"d\";r=0;t=20";
                c.Response.Headers.Age = "3";
            });
            MapFields(app, "/lagging", c =>
            {
                c.Response.Headers["RateLimit"] = "\"d\";r=0;t=20";
                c.Response.Headers.Date = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("R");
            });
            app.Map("/other", () => "ok");
        });
        await using var test = Client(retries: r => r.TimeLimit = TimeSpan.FromSeconds(5));

        (await test.Client.GetAsync(server.Url("/aged"))).Dispose();
        using (var next = await test.Client.GetAsync(server.Url("/other")).WaitAsync(s_timeout))
        {
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        (await test.Client.GetAsync(server.Url("/lagging"))).Dispose();
        await Assert.ThrowsAsync<RetryGateClosedException>(() => test.Client.GetAsync(server.Url("/other?2")));
    }

    [Fact]
    public async Task Our_own_cache_hits_never_feed_the_quota()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFields(app, "/c", c =>
            {
                c.Response.Headers.CacheControl = "max-age=600";
                c.Response.Headers["RateLimit"] = "\"d\";r=0;t=1";
            });
            app.Map("/other", () => "ok");
        });
        await using var test = Client(time);

        (await test.Client.GetAsync(server.Url("/c"))).Dispose(); // fresh: the origin is held 1 s
        time.Advance(TimeSpan.FromSeconds(2));
        using (var hit = await test.Client.GetAsync(server.Url("/c")).WaitAsync(s_timeout))
        {
            Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        }

        using var other = await test.Client.GetAsync(server.Url("/other")).WaitAsync(s_timeout); // no wait: would hang on fake time

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(1, server.CountFor("/c"));
        Assert.Equal(1, Count(test, 313));
    }

    [Fact]
    public async Task Malformed_fields_are_ignored_and_said_once_per_origin()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFields(app, "/bad", c => c.Response.Headers["RateLimit"] = "\"d\";r=zero;t=20");
            app.Map("/other", () => "ok");
        });
        await using var test = Client(retries: r => r.TimeLimit = TimeSpan.FromSeconds(5));

        for (var i = 0; i < 3; i++)
        {
            (await test.Client.GetAsync(server.Url($"/bad?{i}"))).Dispose();
        }

        using var other = await test.Client.GetAsync(server.Url("/other")).WaitAsync(s_timeout);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(1, Count(test, 315));
    }

    [Fact]
    public async Task Retry_After_takes_precedence_over_the_effective_window()
    {
        var time = new TimerWatchingTimeProvider();
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => MapFields(app, "/busy", c =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                c.Response.Headers.RetryAfter = "1";
                c.Response.Headers["RateLimit"] = "\"d\";r=0;t=3600"; // over MaxRetryAfter: would refuse the retry
            }
        }, status: 200));
        await using var busy = await LoopbackServer.StartAsync(app => app.Map("/busy", (HttpContext c) =>
        {
            var first = Interlocked.Increment(ref calls) == 2;
            if (first)
            {
                c.Response.Headers.RetryAfter = "1";
                c.Response.Headers["RateLimit"] = "\"d\";r=0;t=3600";
                c.Response.StatusCode = 503;
            }

            return c.Response.WriteAsync("ok");
        }));
        await using var test = Client(time);

        (await test.Client.GetAsync(server.Url("/busy"))).Dispose(); // calls = 1
        var pending = test.Client.GetAsync(busy.Url("/busy"));
        Assert.Equal(TimeSpan.FromSeconds(1), await time.NextTimerAsync());
        time.Advance(TimeSpan.FromSeconds(1));
        using var response = await pending.WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, busy.CountFor("/busy"));
    }

    [Fact]
    public async Task A_partitioned_quota_holds_only_requests_with_the_same_credentials()
    {
        var quota = new QuotaOrigin(quota: 1, windowSeconds: 30, partitioned: true);
        await using var server = await LoopbackServer.StartAsync(app => quota.Map(app, "/p"));
        await using var test = Client(retries: r => r.TimeLimit = TimeSpan.FromSeconds(5));

        HttpRequestMessage As(string key, int i)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, server.Url($"/p?{i}"));
            request.Headers.Add("X-Api-Key", key);
            return request;
        }

        (await test.Client.SendAsync(As("alice", 1))).Dispose(); // r=0;t=30 in alice's partition
        await Assert.ThrowsAsync<RetryGateClosedException>(() => test.Client.SendAsync(As("alice", 2)));
        using var bob = await test.Client.SendAsync(As("bob", 3)).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
        Assert.Equal((2, 0), (quota.Served, quota.Refused));
        Assert.Equal(0, Count(test, 313)); // a partition's quota never closes the whole origin
    }

    [Fact]
    public async Task Spread_mode_sends_one_request_every_t_over_r()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await LoopbackServer.StartAsync(app => MapFields(app, "/s", c => c.Response.Headers["RateLimit"] = "\"d\";r=4;t=8"));
        await using var test = Client(time, r => r.SpreadRateLimitQuota = true);

        (await test.Client.GetAsync(server.Url("/s?1"))).Dispose(); // learns r=4, t=8
        (await test.Client.GetAsync(server.Url("/s?2"))).Dispose(); // first slot: at once
        var third = test.Client.GetAsync(server.Url("/s?3"));
        Assert.Equal(TimeSpan.FromSeconds(2), await time.NextTimerAsync()); // 8 s ÷ 4 units
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        using var response = await third.WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, server.CountFor("/s"));
    }

    [Theory]
    [InlineData(XRateLimitReset.SecondsToGo, "seconds", true)]
    [InlineData(XRateLimitReset.UnixTime, "unix", true)]
    [InlineData(XRateLimitReset.UnixTime, "seconds", false)]  // "20" read as Unix time is in 1970: nothing to wait for
    [InlineData(XRateLimitReset.Ignored, "seconds", false)]   // not read unless the app says how
    public async Task X_RateLimit_fields_are_read_only_when_the_app_names_the_reset(XRateLimitReset reading, string sent, bool held)
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFields(app, "/x", c =>
            {
                c.Response.Headers["X-RateLimit-Limit"] = "60";
                c.Response.Headers["X-RateLimit-Remaining"] = "0";
                c.Response.Headers["X-RateLimit-Reset"] = sent == "unix" ? (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 20).ToString(System.Globalization.CultureInfo.InvariantCulture) : "20";
            });
            app.Map("/other", () => "ok");
        });
        await using var test = Client(retries: r =>
        {
            r.TimeLimit = TimeSpan.FromSeconds(5);
            r.XRateLimitFields = reading;
        });

        (await test.Client.GetAsync(server.Url("/x"))).Dispose();
        var next = test.Client.GetAsync(server.Url("/other"));
        if (held)
        {
            await Assert.ThrowsAsync<RetryGateClosedException>(() => next);
        }
        else
        {
            using var response = await next.WaitAsync(s_timeout);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
