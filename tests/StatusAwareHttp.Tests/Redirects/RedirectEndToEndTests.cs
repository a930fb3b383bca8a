using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Redirects.Internal;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Redirects;

public sealed class RedirectEndToEndTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private static IResult Redirect(HttpContext context, int status, string location)
    {
        context.Response.Headers.Location = location;
        return Results.StatusCode(status);
    }

    private static void MapTarget(WebApplication app) =>
        app.Map("/target", async (HttpContext c) =>
        {
            using var reader = new StreamReader(c.Request.Body);
            return Results.Text($"{c.Request.Method}:{await reader.ReadToEndAsync()}");
        });

    [Theory]
    [InlineData(303, "POST", "GET")]
    [InlineData(303, "PUT", "GET")]
    [InlineData(301, "POST", "GET")]
    [InlineData(302, "POST", "GET")]
    public async Task Redirect_to_GET_drops_the_body_and_its_headers(int status, string method, string expectedMethod)
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/start", (HttpContext c) => Redirect(c, status, "/target"));
            MapTarget(app);
        });
        await using var test = TestClient.Create();
        using var request = new HttpRequestMessage(new HttpMethod(method), server.Url("/start")) { Content = new StringContent("payload", Encoding.UTF8, "text/plain") };
        request.Headers.TransferEncodingChunked = true;

        using var response = await test.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{expectedMethod}:", await response.Content.ReadAsStringAsync());
        var atTarget = server.Requests.Single(r => r.PathAndQuery == "/target");
        Assert.Equal(expectedMethod, atTarget.Method);
        Assert.Empty(atTarget.Body);
        Assert.Null(atTarget.Header("Content-Type"));
        Assert.Null(atTarget.Header("Transfer-Encoding"));
        Assert.True(atTarget.Header("Content-Length") is null or "0");
        Assert.Equal(server.Url("/target"), response.RequestMessage!.RequestUri);
        var hop = Assert.Single(response.GetRedirectHops());
        Assert.Equal((HttpStatusCode)status, hop.StatusCode);
        Assert.Equal(server.Url("/start"), hop.Uri);
    }

    [Fact]
    public async Task Redirect_303_after_HEAD_stays_HEAD()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/start", (HttpContext c) => Redirect(c, 303, "/target"));
            MapTarget(app);
        });
        await using var test = TestClient.Create();

        using var response = await test.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, server.Url("/start")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("HEAD", server.Requests.Single(r => r.PathAndQuery == "/target").Method);
    }

    [Theory]
    [InlineData(307, "POST")]
    [InlineData(308, "POST")]
    [InlineData(307, "PUT")]
    [InlineData(308, "PATCH")]
    [InlineData(301, "PUT")] // 301/302 keep methods other than POST, with their body
    [InlineData(302, "DELETE")]
    public async Task Redirect_keeping_the_method_resends_the_whole_body_and_its_headers(int status, string method)
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/start", (HttpContext c) => Redirect(c, status, "/target"));
            MapTarget(app);
        });
        await using var test = TestClient.Create();
        var body = new string('x', 100_000);
        using var request = new HttpRequestMessage(new HttpMethod(method), server.Url("/start")) { Content = new StringContent(body, Encoding.UTF8, "application/vnd.test") };

        using var response = await test.Client.SendAsync(request);

        Assert.Equal($"{method}:{body}", await response.Content.ReadAsStringAsync());
        var atTarget = server.Requests.Single(r => r.PathAndQuery == "/target");
        Assert.Equal(method, atTarget.Method);
        Assert.StartsWith("application/vnd.test", atTarget.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal(body.Length, atTarget.Body.Length);
    }

    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_one_shot_stream_is_never_resent_the_redirect_is_handed_back(int status)
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/start", (HttpContext c) => Redirect(c, status, "/target"));
            MapTarget(app);
        });
        await using var test = TestClient.Create();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Url("/start")) { Content = new StreamContent(new OneShotStream(Encoding.UTF8.GetBytes("once only"))) };

        using var response = await test.Client.SendAsync(request);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal(0, server.CountFor("/target"));
        Assert.Equal("once only", Assert.Single(server.Requests).BodyText);
        Assert.Contains(test.Logs.GetSnapshot(), l => l.Id.Id == 102 && l.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Relative_location_is_resolved_and_the_fragment_carried_over()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/a/b/start", (HttpContext c) => Redirect(c, 302, "../next?x=1"));
            app.Map("/a/next", () => "next");
        });
        await using var test = TestClient.Create();

        using var response = await test.Client.GetAsync(new Uri(server.BaseAddress, "/a/b/start#section-2"));

        Assert.Equal("next", await response.Content.ReadAsStringAsync());
        Assert.Equal("/a/next?x=1", server.Requests[^1].PathAndQuery);
        Assert.Equal("#section-2", response.RequestMessage!.RequestUri!.Fragment);
    }

    [Fact]
    public async Task Non_ascii_location_is_percent_encoded()
    {
        await using var server = await LoopbackServer.StartAsync(
            app =>
            {
                app.Map("/start", (HttpContext c) => Redirect(c, 302, "/caf\u00e9/\u00fcber"));
                app.Map("/{**rest}", (HttpContext c) => c.Request.Path.Value!);
            },
            kestrel: k => k.ResponseHeaderEncodingSelector = _ => Encoding.UTF8);
        await using var test = TestClient.Create();

        using var response = await test.Client.GetAsync(server.Url("/start"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/caf%C3%A9/%C3%BCber", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("/caf%C3%A9/%C3%BCber", server.Requests[^1].PathAndQuery);
    }

    [Fact]
    public async Task The_hop_limit_is_kept_and_passing_it_throws_naming_the_hops()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
            app.Map("/hop/{n:int}", (HttpContext c, int n) => Redirect(c, 302, $"/hop/{n + 1}?token=secret")));
        await using var test = TestClient.Create(o => o.Redirects.MaxRedirects = 3);

        var ex = await Assert.ThrowsAsync<RedirectLimitExceededException>(() => test.Client.GetAsync(server.Url("/hop/0")));

        Assert.IsAssignableFrom<HttpRequestException>(ex);
        Assert.Equal(4, ex.Hops.Count);
        Assert.Equal(3, ex.MaxRedirects);
        Assert.Contains("/hop/0 (302) -> ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/hop/4?*", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, server.Requests.Count); // /hop/0..3 were requested; /hop/4 never was
    }

    [Fact]
    public async Task Exactly_max_redirects_hops_are_followed()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
            app.Map("/hop/{n:int}", (HttpContext c, int n) => n < 3 ? Redirect(c, 302, $"/hop/{n + 1}") : Results.Text("end")));
        await using var test = TestClient.Create(o => o.Redirects.MaxRedirects = 3);

        using var response = await test.Client.GetAsync(server.Url("/hop/0"));

        Assert.Equal("end", await response.Content.ReadAsStringAsync());
        Assert.Equal(3, response.GetRedirectHops().Count);
    }

    [Fact]
    public async Task The_default_limit_is_20()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
            app.Map("/hop/{n:int}", (HttpContext c, int n) => Redirect(c, 307, $"/hop/{n + 1}")));
        await using var test = TestClient.Create();

        var ex = await Assert.ThrowsAsync<RedirectLimitExceededException>(() => test.Client.GetAsync(server.Url("/hop/0")));

        Assert.Equal(20, ex.MaxRedirects);
        Assert.Equal(21, server.Requests.Count);
    }

    [Fact]
    public async Task A_loop_throws_without_waiting_for_the_limit()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/a", (HttpContext c) => Redirect(c, 302, "/b"));
            app.Map("/b", (HttpContext c) => Redirect(c, 302, "/a"));
        });
        await using var test = TestClient.Create();

        var ex = await Assert.ThrowsAsync<RedirectLoopException>(() => test.Client.GetAsync(server.Url("/a")));

        Assert.Equal(3, ex.Hops.Count);
        Assert.Equal(3, server.Requests.Count);
        Assert.Contains("/a (302) -> ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Coming_back_to_a_uri_in_another_state_is_not_a_loop()
    {
        // GET /page -> 302 /login (sets state) -> 302 /page -> 200: /page is visited twice, legitimately.
        var loggedIn = 0;
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/page", (HttpContext c) => Volatile.Read(ref loggedIn) == 0 ? Redirect(c, 302, "/login") : Results.Text("page"));
            app.Map("/login", (HttpContext c) =>
            {
                Interlocked.Exchange(ref loggedIn, 1);
                return Redirect(c, 302, "/page");
            });
        });
        await using var test = TestClient.Create();

        using var response = await test.Client.GetAsync(server.Url("/page"));

        Assert.Equal("page", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, response.GetRedirectHops().Count);
    }

    [Fact]
    public async Task Crossing_origins_drops_credentials_and_they_stay_dropped_on_the_way_back()
    {
        Uri? homeAddress = null;
        await using var other = await LoopbackServer.StartAsync(app =>
            app.Map("/bounce", (HttpContext c) => Redirect(c, 302, new Uri(homeAddress!, "/back").ToString())));
        await using var home = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/start", (HttpContext c) => Redirect(c, 302, "/same-origin"));
            app.Map("/same-origin", (HttpContext c) => Redirect(c, 307, new Uri(other.BaseAddress, "/bounce").ToString()));
            app.Map("/back", () => "home again");
        });
        homeAddress = home.BaseAddress;
        await using var test = TestClient.Create(o => o.SensitiveHeaders.Add("X-Api-Key"));

        using var request = new HttpRequestMessage(HttpMethod.Get, home.Url("/start"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "top-secret");
        request.Headers.Add("Cookie", "session=abc");
        request.Headers.Add("Proxy-Authorization", "Basic Zm9vOmJhcg==");
        request.Headers.Add("X-Api-Key", "key-123");
        request.Headers.Add("X-Harmless", "kept");

        using var response = await test.Client.SendAsync(request);

        Assert.Equal("home again", await response.Content.ReadAsStringAsync());
        var sameOrigin = home.Requests.Single(r => r.PathAndQuery == "/same-origin");
        Assert.Equal("Bearer top-secret", sameOrigin.Header("Authorization")); // same-origin hops keep them
        Assert.Equal("key-123", sameOrigin.Header("X-Api-Key"));
        var atOther = Assert.Single(other.Requests);
        Assert.Null(atOther.Header("Authorization"));
        Assert.Null(atOther.Header("Cookie"));
        Assert.Null(atOther.Header("Proxy-Authorization"));
        Assert.Null(atOther.Header("X-Api-Key"));
        Assert.Equal("kept", atOther.Header("X-Harmless"));
        var back = home.Requests.Single(r => r.PathAndQuery == "/back");
        Assert.Null(back.Header("Authorization")); // not restored on the way back
        Assert.Null(back.Header("Cookie"));
        Assert.Null(back.Header("X-Api-Key"));
        Assert.Equal(3, response.GetRedirectHops().Count);
    }

    [Fact]
    public async Task Https_to_http_is_handed_back_with_a_warning_unless_allowed()
    {
        await using var plain = await LoopbackServer.StartAsync(app => app.Map("/plain", () => "plain"));
        await using var secure = await LoopbackServer.StartAsync(
            app => app.Map("/start", (HttpContext c) => Redirect(c, 302, new Uri(plain.BaseAddress, "/plain").ToString())),
            certificate: TestCertificates.Loopback);
        Assert.Equal("https", secure.BaseAddress.Scheme);

        await using (var refusing = TestClient.Create(builder: b => b.ConfigurePrimaryHttpMessageHandler(TestCertificates.TrustingHandler)))
        {
            using var response = await refusing.Client.GetAsync(secure.Url("/start"));
            Assert.Equal(HttpStatusCode.Found, response.StatusCode);
            Assert.Empty(plain.Requests);
            Assert.Contains(refusing.Logs.GetSnapshot(), l => l.Id.Id == 101 && l.Level == LogLevel.Warning);
        }

        await using var allowing = TestClient.Create(o => o.Redirects.AllowHttpsToHttp = true, b => b.ConfigurePrimaryHttpMessageHandler(TestCertificates.TrustingHandler));
        using var followed = await allowing.Client.GetAsync(secure.Url("/start"));
        Assert.Equal("plain", await followed.Content.ReadAsStringAsync());
        Assert.Single(plain.Requests);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_primary_handler_never_follows_redirects_itself_whatever_the_order(bool primaryFirst)
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/start", (HttpContext c) => Redirect(c, 302, "/target"));
            MapTarget(app);
        });
        SocketsHttpHandler? primary = null;
        await using var test = TestClient.Create(
            builder: b => b.ConfigurePrimaryHttpMessageHandler(() => primary = new SocketsHttpHandler { AllowAutoRedirect = true }),
            primaryHandlerBeforeStatusHandling: primaryFirst);

        using var response = await test.Client.GetAsync(server.Url("/start"));

        Assert.NotNull(primary);
        Assert.False(primary.AllowAutoRedirect);
        Assert.Single(response.GetRedirectHops()); // our handler followed it, not the platform
    }

    [Fact]
    public async Task The_default_primary_handler_has_auto_redirect_off_and_redirects_disabled_hands_3xx_back()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/start", (HttpContext c) => Redirect(c, 301, "/target"));
            MapTarget(app);
        });
        await using var test = TestClient.Create(o => o.Redirects.Enabled = false);

        using var response = await test.Client.GetAsync(server.Url("/start"));

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(0, server.CountFor("/target"));
    }

    [Fact]
    public async Task Calling_AddStatusHandling_twice_configures_once_and_does_not_stack_handlers()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("twice")
            .AddStatusHandling(o => o.Redirects.MaxRedirects = 7)
            .AddStatusHandling(o => o.Redirects.AllowHttpsToHttp = true);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<StatusHandlingOptions>>().Get("twice");
        Assert.Equal(7, options.Redirects.MaxRedirects);
        Assert.True(options.Redirects.AllowHttpsToHttp);

        var handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("twice");
        Assert.Equal(1, CountHandlers<RedirectHandler>(handler));
    }

    [Fact]
    public async Task Our_handlers_are_outermost_whatever_the_order_of_AddHttpMessageHandler()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("ordered")
            .AddHttpMessageHandler(() => new MarkerHandler())
            .AddStatusHandling();
        await using var provider = services.BuildServiceProvider();

        var chain = Chain(provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("ordered"));
        Assert.True(chain.FindIndex(h => h is RedirectHandler) < chain.FindIndex(h => h is MarkerHandler));
    }

    [Fact]
    public async Task Two_clients_keep_their_own_options()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
            app.Map("/hop/{n:int}", (HttpContext c, int n) => n < 2 ? Redirect(c, 302, $"/hop/{n + 1}") : Results.Text("end")));
        var services = new ServiceCollection();
        services.AddHttpClient("strict").AddStatusHandling(o => o.Redirects.MaxRedirects = 1);
        services.AddHttpClient("lenient").AddStatusHandling();
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        await Assert.ThrowsAsync<RedirectLimitExceededException>(() => factory.CreateClient("strict").GetAsync(server.Url("/hop/0")));
        using var response = await factory.CreateClient("lenient").GetAsync(server.Url("/hop/0"));
        Assert.Equal("end", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_3xx_without_location_is_handed_back()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.Map("/start", () => Results.StatusCode(302)));
        await using var test = TestClient.Create();

        using var response = await test.Client.GetAsync(server.Url("/start"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Empty(response.GetRedirectHops());
    }

    [Fact]
    public async Task Dropped_responses_are_disposed_so_one_connection_serves_a_long_chain()
    {
        var body = new string('b', 64 * 1024);
        await using var server = await LoopbackServer.StartAsync(app =>
            app.Map("/hop/{n:int}", async (HttpContext c, int n) =>
            {
                if (n < 10)
                {
                    c.Response.StatusCode = 302;
                    c.Response.Headers.Location = $"/hop/{n + 1}";
                    await c.Response.WriteAsync(body); // a body nobody reads
                    return;
                }

                await c.Response.WriteAsync("end");
            }));
        await using var test = TestClient.Create(builder: b => b.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { MaxConnectionsPerServer = 1 }));
        using var timeout = new CancellationTokenSource(s_timeout);

        for (var round = 0; round < 3; round++)
        {
            using var response = await test.Client.GetAsync(server.Url("/hop/0"), timeout.Token);
            Assert.Equal("end", await response.Content.ReadAsStringAsync(timeout.Token));
        }

        Assert.Equal(33, server.Requests.Count);
    }

    [Fact]
    public async Task Cancellation_is_honoured_between_hops()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/start", (HttpContext c) => Redirect(c, 302, "/target"));
            MapTarget(app);
        });
        using var cancel = new CancellationTokenSource();
        await using var test = TestClient.Create(o => o.Redirects.ShouldFollow = _ =>
        {
            cancel.Cancel();
            return true;
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => test.Client.GetAsync(server.Url("/start"), cancel.Token));
        Assert.Equal(0, server.CountFor("/target"));
    }

    [Fact]
    public async Task ShouldFollow_can_veto_a_hop_and_sees_what_it_would_do()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/start", (HttpContext c) => Redirect(c, 303, "/target"));
            MapTarget(app);
        });
        RedirectContext? seen = null;
        await using var test = TestClient.Create(o => o.Redirects.ShouldFollow = ctx =>
        {
            seen = ctx;
            return false;
        });

        using var response = await test.Client.PostAsync(server.Url("/start"), new StringContent("x"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(0, server.CountFor("/target"));
        Assert.NotNull(seen);
        Assert.Equal(HttpMethod.Post, seen.Method);
        Assert.Equal(HttpMethod.Get, seen.NextMethod);
        Assert.Equal(server.Url("/target"), seen.To);
        Assert.Equal(1, seen.HopNumber);
    }

    [Fact]
    public async Task Conditional_headers_the_library_added_are_not_carried_to_another_uri_but_the_callers_are()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/start", (HttpContext c) => Redirect(c, 301, "/target"));
            MapTarget(app);
        });
        await using var test = TestClient.Create(builder: b => b.AddHttpMessageHandler(() => new AddsValidatorHandler("/start")));
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Url("/start"));
        request.Headers.TryAddWithoutValidation("If-Modified-Since", "Wed, 21 Oct 2015 07:28:00 GMT");

        using var response = await test.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"v1\"", server.Requests.Single(r => r.PathAndQuery == "/start").Header("If-None-Match"));
        var atTarget = server.Requests.Single(r => r.PathAndQuery == "/target");
        Assert.Null(atTarget.Header("If-None-Match"));
        Assert.Equal("Wed, 21 Oct 2015 07:28:00 GMT", atTarget.Header("If-Modified-Since"));
    }

    [Fact]
    public async Task Metrics_count_followed_and_refused_redirects_and_logs_never_hold_the_query()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.Map("/start", (HttpContext c) => Redirect(c, 308, "/target?token=hunter2"));
            app.Map("/loop", (HttpContext c) => Redirect(c, 302, "/loop"));
            MapTarget(app);
        });
        await using var test = TestClient.Create();
        var meterFactory = test.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var followed = new MetricCollector<long>(meterFactory, StatusAwareHttpMeter.Name, "statusawarehttp.redirect.followed");
        using var refused = new MetricCollector<long>(meterFactory, StatusAwareHttpMeter.Name, "statusawarehttp.redirect.refused");

        using (var response = await test.Client.GetAsync(server.Url("/start?session=s3cr3t")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Assert.ThrowsAsync<RedirectLoopException>(() => test.Client.GetAsync(server.Url("/loop")));

        Assert.Contains(followed.GetMeasurementSnapshot(), m => m.Value == 1 && m.Tags["http.response.status_code"] is 308);
        Assert.Contains(refused.GetMeasurementSnapshot(), m => m.Tags["reason"] is "loop");
        var logText = string.Join("\n", test.Logs.GetSnapshot().Select(l => l.Message));
        Assert.Contains("Following 308", logText, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", logText, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", logText, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_fail_at_start_up_with_a_clear_message()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("bad").AddStatusHandling(o =>
        {
            o.Redirects.MaxRedirects = -1;
            o.SensitiveHeaders.Add("Bad Header:");
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.Contains("MaxRedirects", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("SensitiveHeaders", StringComparison.Ordinal));
    }

    private static int CountHandlers<T>(HttpMessageHandler handler) => Chain(handler).Count(h => h is T);

    private static List<HttpMessageHandler> Chain(HttpMessageHandler handler)
    {
        var chain = new List<HttpMessageHandler>();
        for (HttpMessageHandler? h = handler; h is not null; h = (h as DelegatingHandler)?.InnerHandler)
        {
            chain.Add(h);
        }

        return chain;
    }

    private sealed class MarkerHandler : DelegatingHandler
    {
    }

    /// <summary>Stands in for the cache: adds a validator for one path, marked as added by the library.</summary>
    private sealed class AddsValidatorHandler(string path) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath == path)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", "\"v1\"");
                StatusAwareRequestOptions.MarkLibraryAdded(request, "If-None-Match");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>A stream that can be read once and cannot seek, like a network or pipe stream.</summary>
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
