using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Tests.Retries;

namespace StatusAwareHttp.Tests.Observability;

/// <summary>
/// What a tool that counts Client spans sees, with a bare <see cref="ActivityListener"/> on every source: one Client
/// span per request on the wire (System.Net.Http's), never one for the logical request, which is Internal (OpenTelemetry
/// HTTP semantic conventions, "HTTP client span": no logical encompassing HTTP client span).
/// </summary>
public sealed class SpanKindTests
{
    private static Task<LoopbackServer> StartOrigin() => LoopbackServer.StartAsync(app =>
    {
        app.MapGet("/once", () => "once");
        RetryEndToEndTests.MapFlaky(app, "/flaky", 1, 503);
        app.MapGet("/cached", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=600";
            return "cached";
        });
    });

    private static HttpClient Client() => new(StatusAwareHttpHandler.Create(
        new SocketsHttpHandler(),
        o => o.Retries.BaseDelay = TimeSpan.Zero,
        new StatusAwareHttpHandlerServices { ClientName = "spans" }));

    private static object? Tag(Activity activity, string name) => activity.TagObjects.FirstOrDefault(t => t.Key == name).Value;

    private static Activity Ours(List<Activity> spans)
    {
        var ours = Assert.Single(spans, s => s.Source.Name == "StatusAwareHttp");
        Assert.Equal(ActivityKind.Internal, ours.Kind);
        return ours;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task One_request_on_the_wire_is_one_Client_span(bool async)
    {
        await using var server = await StartOrigin();
        using var client = Client();

        var spans = await SpanCapture.SpansOf(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, server.Url("/once"));
            using var response = async ? await client.SendAsync(request) : await Task.Run(() => client.Send(request));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });

        Assert.Equal(1, server.CountFor("/once"));
        var network = Assert.Single(spans, s => s.Kind == ActivityKind.Client);
        Assert.Equal("System.Net.Http", network.Source.Name);
        var ours = Ours(spans);
        Assert.Equal(ours.SpanId, network.ParentSpanId);
        Assert.Equal(false, Tag(ours, "statusawarehttp.cache.hit"));
        Assert.Equal("uri-miss", Tag(ours, "statusawarehttp.cache.fwd"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_retried_request_is_two_Client_spans_under_one_Internal_span(bool async)
    {
        await using var server = await StartOrigin();
        using var client = Client();

        var spans = await SpanCapture.SpansOf(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, server.Url("/flaky"));
            using var response = async ? await client.SendAsync(request) : await Task.Run(() => client.Send(request));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });

        Assert.Equal(2, server.CountFor("/flaky"));
        var network = spans.Where(s => s.Kind == ActivityKind.Client).ToList();
        Assert.Equal(2, network.Count);
        Assert.All(network, s => Assert.Equal("System.Net.Http", s.Source.Name));
        Assert.Equal([503, 200], network.OrderBy(s => s.StartTimeUtc).Select(s => (int)Tag(s, "http.response.status_code")!));
        var ours = Ours(spans);
        Assert.All(network, s => Assert.Equal(ours.SpanId, s.ParentSpanId));
        Assert.Equal(1, Tag(ours, "http.request.resend_count"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_cache_hit_is_no_Client_span_but_our_span_with_the_cache_outcome(bool async)
    {
        await using var server = await StartOrigin();
        using var client = Client();
        (await client.GetAsync(server.Url("/cached"))).Dispose();

        var spans = await SpanCapture.SpansOf(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, server.Url("/cached"));
            using var response = async ? await client.SendAsync(request) : await Task.Run(() => client.Send(request));
            Assert.True(response.GetCacheStatus() is { Hit: true });
        });

        Assert.Equal(1, server.CountFor("/cached"));
        Assert.DoesNotContain(spans, s => s.Kind == ActivityKind.Client);
        var ours = Ours(spans);
        Assert.Single(spans);
        Assert.Equal(true, Tag(ours, "statusawarehttp.cache.hit"));
        Assert.Null(Tag(ours, "statusawarehttp.cache.fwd"));
        Assert.Equal(200, Tag(ours, "http.response.status_code"));
    }
}
