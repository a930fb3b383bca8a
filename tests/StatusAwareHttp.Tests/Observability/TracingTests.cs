using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Tests.Retries;

namespace StatusAwareHttp.Tests.Observability;

/// <summary>The <c>StatusAwareHttp</c> span of a logical request, exported by the OpenTelemetry SDK, over real sockets.</summary>
public sealed class TracingTests
{
    private static readonly ActivitySource s_testSource = new("StatusAwareHttp.Tests.Tracing");

    private static Task<LoopbackServer> StartOrigin() => LoopbackServer.StartAsync(app =>
    {
        app.MapGet("/from", () => Results.Redirect("/flaky?token=abc"));
        RetryEndToEndTests.MapFlaky(app, "/flaky", 1, 503);
        app.MapGet("/cached", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=600";
            return "cached";
        });
        app.MapGet("/missing", () => Results.NotFound());
    });

    /// <summary>
    /// Runs <paramref name="body"/> under a root span of the test's own and returns every span of that trace
    /// (tests in parallel make spans too; they belong to other traces).
    /// </summary>
    private static async Task<List<Activity>> Trace(Func<Task> body)
    {
        var exported = new List<Activity>();
        ActivityTraceId traceId;
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(s_testSource.Name, "StatusAwareHttp", "System.Net.Http")
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(exported)
            .Build())
        {
            using (var root = s_testSource.StartActivity("test")!)
            {
                traceId = root.TraceId;
                await body();
            }

            provider.ForceFlush();
        }

        lock (exported)
        {
            return exported.Where(a => a.TraceId == traceId && a.Source.Name != s_testSource.Name).ToList();
        }
    }

    private static HttpClient Client() => new(StatusAwareHttpHandler.Create(
        new SocketsHttpHandler(),
        o => o.Retries.BaseDelay = TimeSpan.Zero,
        new StatusAwareHttpHandlerServices { ClientName = "traced" }));

    private static object? Tag(Activity activity, string name) => activity.TagObjects.FirstOrDefault(t => t.Key == name).Value;

    [Fact]
    public async Task One_span_per_logical_request_with_a_redirect_event_a_retry_event_and_the_network_spans_under_it()
    {
        await using var server = await StartOrigin();
        using var client = Client();

        var spans = await Trace(async () => (await client.GetAsync(server.Url("/from?secret=1"))).Dispose());

        var logical = Assert.Single(spans, s => s.Source.Name == "StatusAwareHttp");
        Assert.Equal(ActivityKind.Internal, logical.Kind);
        Assert.Equal("GET", logical.DisplayName);
        Assert.Equal("GET", Tag(logical, "http.request.method"));
        Assert.Equal(server.Url("/from").GetLeftPart(UriPartial.Path) + "?*", Tag(logical, "url.full"));
        Assert.Equal("127.0.0.1", Tag(logical, "server.address"));
        Assert.Equal(server.BaseAddress.Port, Tag(logical, "server.port"));
        Assert.Equal(200, Tag(logical, "http.response.status_code"));
        Assert.Equal(2, Tag(logical, "http.request.resend_count"));
        Assert.Equal("traced", Tag(logical, "statusawarehttp.client"));
        Assert.Null(Tag(logical, "error.type"));
        Assert.Equal(["statusawarehttp.redirect", "statusawarehttp.retry"], logical.Events.Select(e => e.Name));
        var redirect = logical.Events.First();
        Assert.Equal(302, redirect.Tags.First(t => t.Key == "http.response.status_code").Value);
        Assert.EndsWith("/flaky?*", (string)redirect.Tags.First(t => t.Key == "url.full").Value!, StringComparison.Ordinal);
        var retry = logical.Events.Last();
        Assert.Equal(503, retry.Tags.First(t => t.Key == "http.response.status_code").Value);
        Assert.Equal("status", retry.Tags.First(t => t.Key == "statusawarehttp.retry.reason").Value);

        // The three requests on the wire (302, 503, 200) are spans of System.Net.Http, children of the logical span.
        var network = spans.Where(s => s.Source.Name == "System.Net.Http").ToList();
        Assert.Equal(3, network.Count);
        Assert.All(network, s => Assert.Equal(logical.SpanId, s.ParentSpanId));
    }

    [Fact]
    public async Task A_cache_hit_has_a_span_with_the_Cache_Status_and_no_network_span()
    {
        await using var server = await StartOrigin();
        using var client = Client();
        (await client.GetAsync(server.Url("/cached"))).Dispose();

        var spans = await Trace(async () => (await client.GetAsync(server.Url("/cached"))).Dispose());

        var logical = Assert.Single(spans);
        Assert.Equal("StatusAwareHttp", logical.Source.Name);
        var cacheStatus = Assert.IsType<string[]>(Tag(logical, "http.response.header.cache-status"));
        Assert.Contains("hit", Assert.Single(cacheStatus), StringComparison.Ordinal);
        Assert.Equal(200, Tag(logical, "http.response.status_code"));
    }

    [Fact]
    public async Task An_error_status_and_a_failure_set_error_type()
    {
        await using var server = await StartOrigin();
        using var client = Client();
        var closedPort = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");

        var spans = await Trace(async () =>
        {
            (await client.GetAsync(server.Url("/missing"))).Dispose();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(closedPort));
        });

        var logical = spans.Where(s => s.Source.Name == "StatusAwareHttp").ToList();
        Assert.Equal(2, logical.Count);
        Assert.Equal("404", Tag(logical[0], "error.type"));
        Assert.Equal(ActivityStatusCode.Error, logical[0].Status);
        Assert.Equal("System.Net.Http.HttpRequestException", Tag(logical[1], "error.type"));
        Assert.Equal(ActivityStatusCode.Error, logical[1].Status);
    }

    [Fact]
    public async Task The_synchronous_Send_path_has_its_span_too()
    {
        await using var server = await StartOrigin();
        using var client = Client();

        var spans = await Trace(() =>
        {
            client.Send(new HttpRequestMessage(HttpMethod.Get, server.Url("/missing?q=1"))).Dispose();
            return Task.CompletedTask;
        });

        var logical = Assert.Single(spans, s => s.Source.Name == "StatusAwareHttp");
        Assert.Equal(404, Tag(logical, "http.response.status_code"));
        Assert.Equal("404", Tag(logical, "error.type"));
        Assert.EndsWith("/missing?*", (string)Tag(logical, "url.full")!, StringComparison.Ordinal);
        var network = Assert.Single(spans, s => s.Source.Name == "System.Net.Http");
        Assert.Equal(logical.SpanId, network.ParentSpanId);
    }

    [Fact]
    public async Task A_client_made_by_IHttpClientFactory_has_the_span_named_after_the_client()
    {
        await using var server = await StartOrigin();
        await using var test = TestClient.Create(o => o.Retries.BaseDelay = TimeSpan.Zero);

        var spans = await Trace(async () => (await test.Client.GetAsync(server.Url("/flaky"))).Dispose());

        var logical = Assert.Single(spans, s => s.Source.Name == "StatusAwareHttp");
        Assert.Equal(TestClient.Name, Tag(logical, "statusawarehttp.client"));
        Assert.Equal(1, Tag(logical, "http.request.resend_count"));
        Assert.Equal(HttpStatusCode.OK, (HttpStatusCode)(int)Tag(logical, "http.response.status_code")!);
    }
}
