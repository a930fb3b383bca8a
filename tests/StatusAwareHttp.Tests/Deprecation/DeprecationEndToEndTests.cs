using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Tests.Configuration;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Deprecation;

/// <summary>Deprecation and Sunset notices (RFC 9745, RFC 8594) from a Kestrel origin on 127.0.0.1, over real sockets.</summary>
public sealed class DeprecationEndToEndTests
{
    private const int DeprecatedEvent = 900;

    // RFC 9745 §4's example: deprecated on 2023-06-30, sunset on 2024-06-30.
    private static readonly DateTimeOffset s_deprecated = new(2023, 6, 30, 23, 59, 59, TimeSpan.Zero);
    private static readonly DateTimeOffset s_sunset = new(2024, 6, 30, 23, 59, 59, TimeSpan.Zero);

    private static void Deprecated(HttpContext context)
    {
        context.Response.Headers["Deprecation"] = "@1688169599";
        context.Response.Headers["Sunset"] = "Sun, 30 Jun 2024 23:59:59 GMT";
        context.Response.Headers.Append("Link", "<https://developer.example.com/deprecation?ref=mail>; rel=\"deprecation\"; type=\"text/html\"");
        context.Response.Headers.Append("Link", "</v2/orders>; rel=\"successor-version\", <https://example.net/sunset>; rel=sunset");
    }

    private static Task<LoopbackServer> StartOrigin() => LoopbackServer.StartAsync(app =>
    {
        app.MapGet("/v1/orders/{id}", (HttpContext c, string id) =>
        {
            Deprecated(c);
            return "order " + id;
        });
        app.MapGet("/v1/customers/{id}", (HttpContext c, string id) =>
        {
            Deprecated(c);
            return "customer " + id;
        });
        app.MapGet("/v1/stored", (HttpContext c) =>
        {
            Deprecated(c);
            c.Response.Headers.CacheControl = "max-age=31536000";
            return "stored";
        });
        app.MapGet("/v1/moved", (HttpContext c) =>
        {
            Deprecated(c);
            return Results.Redirect("/v2/orders", permanent: true);
        });
        app.MapGet("/v2/orders", () => "current");
        app.MapGet("/malformed", (HttpContext c) =>
        {
            c.Response.Headers["Deprecation"] = "true";
            c.Response.Headers["Sunset"] = "next year";
            c.Response.Headers["Link"] = "<https://e.x/a; rel=deprecation";
            return "malformed";
        });
    });

    private static FakeTimeProvider At(DateTimeOffset now) => new(now);

    [Fact]
    public async Task A_route_is_warned_about_once_in_100_requests_and_another_route_once_more()
    {
        await using var origin = await StartOrigin();
        await using var test = TestClient.Create(time: At(s_deprecated.AddDays(1)));
        using var counted = new MetricCollector<long>(test.Services.GetRequiredService<StatusAwareHttpMeter>().Meter, "statusawarehttp.deprecation.responses");

        for (var i = 0; i < 100; i++)
        {
            using var response = await test.Client.GetAsync(origin.Url($"/v1/orders/{i}?token=secret{i}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var other = await test.Client.GetAsync(origin.Url("/v1/customers/7?token=secret")))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        var warnings = test.Logs.GetSnapshot().Where(l => l.Id.Id == DeprecatedEvent).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.Contains($"GET {origin.BaseAddress.GetLeftPart(UriPartial.Authority)}/v1/orders/{{id}}", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("/v1/customers/{id}", warnings[1].Message, StringComparison.Ordinal);
        Assert.Contains("2023-06-30 23:59:59Z", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("2024-06-30 23:59:59Z", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("https://developer.example.com:443/deprecation?*", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("/v2/orders", warnings[0].Message, StringComparison.Ordinal);

        // Never a query string, in any log line.
        Assert.DoesNotContain(test.Logs.GetSnapshot(), l => l.Message.Contains("secret", StringComparison.Ordinal) || l.Message.Contains("ref=mail", StringComparison.Ordinal));

        var measurements = counted.GetMeasurementSnapshot();
        Assert.Equal(101, measurements.Sum(m => m.Value));
        Assert.All(measurements, m => Assert.Equal(TestClient.Name, m.Tags[MetricTags.ClientName]));
        Assert.All(measurements, m => Assert.Equal(false, m.Tags["statusawarehttp.sunset.passed"]));
    }

    [Fact]
    public async Task GetDeprecation_returns_what_the_origin_said()
    {
        await using var origin = await StartOrigin();
        await using var test = TestClient.Create();

        using var response = await test.Client.GetAsync(origin.Url("/v1/orders/42"));
        var notice = response.GetDeprecation();
        Assert.NotNull(notice);
        Assert.Equal(s_deprecated, notice.DeprecationDate);
        Assert.Equal(s_sunset, notice.SunsetDate);
        Assert.Equal(new Uri("https://developer.example.com/deprecation?ref=mail"), Assert.Single(notice.DeprecationLinks));
        Assert.Equal(new Uri("https://example.net/sunset"), Assert.Single(notice.SunsetLinks));
        Assert.Equal(origin.Url("/v2/orders"), Assert.Single(notice.SuccessorVersionLinks)); // resolved against the request URI
        Assert.False(notice.SunsetBeforeDeprecation);

        using var current = await test.Client.GetAsync(origin.Url("/v2/orders"));
        Assert.Null(current.GetDeprecation());
    }

    [Fact]
    public async Task Malformed_fields_are_ignored_without_a_word()
    {
        await using var origin = await StartOrigin();
        await using var test = TestClient.Create(o => o.Deprecation.FailAfterSunset = true);

        using var response = await test.Client.GetAsync(origin.Url("/malformed"));
        Assert.Equal("malformed", await response.Content.ReadAsStringAsync());
        Assert.Null(response.GetDeprecation());
        Assert.DoesNotContain(test.Logs.GetSnapshot(), l => l.Id.Id is >= 900 and < 920);
    }

    [Fact]
    public async Task FailAfterSunset_throws_only_once_the_sunset_has_passed_also_for_a_stored_response()
    {
        await using var origin = await StartOrigin();
        var time = At(s_sunset.AddSeconds(-1));
        await using var test = TestClient.Create(o => o.Deprecation.FailAfterSunset = true, time: time);

        using (var before = await test.Client.GetAsync(origin.Url("/v1/stored?key=1")))
        {
            Assert.Equal("stored", await before.Content.ReadAsStringAsync());
        }

        time.Advance(TimeSpan.FromSeconds(1)); // the sunset's own second: passed
        var thrown = await Assert.ThrowsAsync<SunsetPassedException>(() => test.Client.GetAsync(origin.Url("/v1/stored?key=1")));
        Assert.Equal(s_sunset, thrown.Notice.SunsetDate);
        Assert.Equal(HttpStatusCode.OK, thrown.StatusCode);
        Assert.DoesNotContain("key=1", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(1, origin.CountFor("/v1/stored")); // the second answer came from the cache, and was judged all the same
        Assert.Contains(test.Logs.GetSnapshot(), l => l.Id.Id == 902);

        // The synchronous path throws the same way.
        using var request = new HttpRequestMessage(HttpMethod.Get, origin.Url("/v1/orders/1"));
        Assert.Throws<SunsetPassedException>(() => test.Client.Send(request));
    }

    [Fact]
    public async Task Without_FailAfterSunset_a_response_past_its_sunset_is_returned()
    {
        await using var origin = await StartOrigin();
        await using var test = TestClient.Create(time: At(s_sunset.AddYears(1)));
        using var counted = new MetricCollector<long>(test.Services.GetRequiredService<StatusAwareHttpMeter>().Meter, "statusawarehttp.deprecation.responses");

        using var response = await test.Client.GetAsync(origin.Url("/v1/orders/1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(true, Assert.Single(counted.GetMeasurementSnapshot()).Tags["statusawarehttp.sunset.passed"]);
    }

    [Fact]
    public async Task A_redirect_hop_is_judged_under_its_own_route()
    {
        await using var origin = await StartOrigin();
        await using var test = TestClient.Create();

        using var response = await test.Client.GetAsync(origin.Url("/v1/moved"));
        Assert.Equal("current", await response.Content.ReadAsStringAsync());
        Assert.Null(response.GetDeprecation()); // the final response says nothing
        var warning = Assert.Single(test.Logs.GetSnapshot(), l => l.Id.Id == DeprecatedEvent);
        Assert.Contains("GET " + origin.Url("/v1/moved"), warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_redirects_off_a_handler_of_its_own_reads_the_notices()
    {
        await using var origin = await StartOrigin();
        var time = At(s_sunset.AddSeconds(-1));
        await using var test = TestClient.Create(
            o =>
            {
                o.Redirects.Enabled = false;
                o.Deprecation.FailAfterSunset = true;
            },
            time: time);

        using (var moved = await test.Client.GetAsync(origin.Url("/v1/moved")))
        {
            Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        }

        Assert.Single(test.Logs.GetSnapshot(), l => l.Id.Id == DeprecatedEvent);
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<SunsetPassedException>(() => test.Client.GetAsync(origin.Url("/v1/orders/1")));
        using var request = new HttpRequestMessage(HttpMethod.Get, origin.Url("/v1/orders/2"));
        Assert.Throws<SunsetPassedException>(() => test.Client.Send(request));
    }

    [Fact]
    public async Task The_request_span_carries_the_notice()
    {
        await using var origin = await StartOrigin();
        await using var test = TestClient.Create();
        var traced = await SpanCapture.SpansOf(async () =>
        {
            using (await test.Client.GetAsync(origin.Url("/v1/orders/5?token=secret")))
            {
            }
        });
        var spans = traced.Where(s => s.Source.Name == StatusAwareTracing.SourceName);

        var span = Assert.Single(spans, s => (s.GetTagItem(StatusAwareTracing.UrlFull) as string)?.StartsWith(origin.Url("/v1/orders/5").ToString(), StringComparison.Ordinal) == true);
        Assert.Equal("2023-06-30T23:59:59.0000000+00:00", span.GetTagItem(StatusAwareTracing.DeprecationDate));
        Assert.Equal("2024-06-30T23:59:59.0000000+00:00", span.GetTagItem(StatusAwareTracing.SunsetDate));
        Assert.Equal(["https://developer.example.com:443/deprecation?*"], (string[])span.GetTagItem(StatusAwareTracing.DeprecationLinks)!);
        Assert.Equal([origin.Url("/v2/orders").ToString()], (string[])span.GetTagItem(StatusAwareTracing.SuccessorVersionLinks)!);
    }

    [Fact]
    public async Task Turned_off_nothing_is_logged_or_thrown_but_GetDeprecation_still_reads()
    {
        await using var origin = await StartOrigin();
        await using var test = TestClient.Create(o => o.Deprecation.Enabled = false, time: At(s_sunset.AddYears(1)));

        using var response = await test.Client.GetAsync(origin.Url("/v1/orders/1"));
        Assert.NotNull(response.GetDeprecation());
        Assert.DoesNotContain(test.Logs.GetSnapshot(), l => l.Id.Id == DeprecatedEvent);
    }

    [Fact]
    public void MaxRoutesRemembered_is_validated()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("bad").AddStatusHandling(o => o.Deprecation.MaxRoutesRemembered = 0);
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("MaxRoutesRemembered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_options_bind_from_configuration_and_a_misspelling_stops_the_start_up()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("bound").AddStatusHandling(ConfigurationBindingTests.Section(
            "StatusHandling",
            ("Deprecation:FailAfterSunset", "true"),
            ("Deprecation:MaxRoutesRemembered", "10")));
        services.AddHttpClient("misspelled").AddStatusHandling(ConfigurationBindingTests.Section("StatusHandling", ("Deprecation:FailAfterSundown", "true")));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>();

        Assert.True(options.Get("bound").Deprecation.FailAfterSunset);
        Assert.Equal(10, options.Get("bound").Deprecation.MaxRoutesRemembered);
        Assert.False(new StatusHandlingOptions().Deprecation.FailAfterSunset);
        var ex = Assert.ThrowsAny<Exception>(() => options.Get("misspelled"));
        Assert.Contains("FailAfterSundown", ex.Message, StringComparison.Ordinal);
    }
}
