using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;
using static StatusAwareHttp.Tests.QueryMethod.QueryOrigin;

namespace StatusAwareHttp.Tests.QueryMethod;

/// <summary>End to end over real sockets: a QUERY is idempotent (RFC 10008 §2) and redirected with its content (§2.5).</summary>
public sealed class QueryRetryAndRedirectTests
{
    /// <summary>Answers the first <paramref name="failures"/> requests to <paramref name="path"/> with 503, then echoes method, type and content.</summary>
    private static void MapFlakyEcho(WebApplication app, string path, int failures)
    {
        var count = 0;
        app.MapMethods(path, ["QUERY", "POST"], async (HttpContext c) =>
        {
            using var reader = new StreamReader(c.Request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            if (Interlocked.Increment(ref count) <= failures)
            {
                c.Response.StatusCode = 503;
                return;
            }

            c.Response.Headers.CacheControl = "max-age=60";
            await c.Response.WriteAsync($"{c.Request.Method} {c.Request.ContentType} {text}");
        });
    }

    private static TestClient FastRetries(Action<StatusHandlingOptions>? more = null) =>
        TestClient.Create(o =>
        {
            o.Retries.BaseDelay = TimeSpan.FromMilliseconds(1);
            more?.Invoke(o);
        });

    [Fact]
    public async Task A_503_to_a_QUERY_with_a_one_shot_stream_is_retried_with_the_whole_content_read_once()
    {
        await using var server = await LoopbackServer.StartAsync(app => MapFlakyEcho(app, "/flaky", failures: 2));
        await using var client = FastRetries();

        using var request = StreamQuery(server.Url("/flaky"), """{"q":"stream"}""");
        var original = request.Content;
        using var response = await client.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""QUERY application/json; charset=utf-8 {"q":"stream"}""", await Body(response));
        Assert.Equal(3, server.CountFor("/flaky"));
        Assert.All(server.Requests, r => Assert.Equal("""{"q":"stream"}""", r.BodyText));
        Assert.All(server.Requests, r => Assert.Equal("application/json; charset=utf-8", r.Header("Content-Type")));

        // The caller's request is left with its own content object.
        Assert.Same(original, request.Content);
    }

    [Fact]
    public async Task A_connection_dropped_before_the_answer_to_a_QUERY_is_retried_with_the_whole_content()
    {
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapMethods("/drop", ["QUERY"], async (HttpContext c) =>
        {
            using var reader = new StreamReader(c.Request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            if (Interlocked.Increment(ref calls) == 1)
            {
                c.Abort();
                return;
            }

            await c.Response.WriteAsync("got " + text);
        }));
        await using var client = FastRetries();

        using var response = await client.Client.SendAsync(StreamQuery(server.Url("/drop"), """{"q":"again"}"""));

        Assert.Equal("""got {"q":"again"}""", await Body(response));
        Assert.Equal(2, server.CountFor("/drop"));
        Assert.All(server.Requests, r => Assert.Equal("""{"q":"again"}""", r.BodyText));
    }

    [Fact]
    public async Task A_503_to_a_QUERY_is_retried_without_the_cache_too_and_a_stream_of_unknown_length_is_not()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFlakyEcho(app, "/flaky", failures: 1);
            MapFlakyEcho(app, "/unknown", failures: 1);
        });
        await using var client = FastRetries(o => o.Cache.Enabled = false);

        using var retried = await client.Client.SendAsync(StreamQuery(server.Url("/flaky"), """{"q":1}"""));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(2, server.CountFor("/flaky"));

        // Of unknown length it cannot be read once within the bound: sent as it is, and the 503 goes back.
        using var unknown = await client.Client.SendAsync(StreamQuery(server.Url("/unknown"), """{"q":1}""", withLength: false));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unknown.StatusCode);
        Assert.Equal(1, server.CountFor("/unknown"));
    }

    [Fact]
    public async Task A_POST_is_retried_and_cached_as_a_QUERY_only_when_marked_as_a_query()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapFlakyEcho(app, "/plain", failures: 1);
            MapFlakyEcho(app, "/marked", failures: 1);
        });
        await using var client = FastRetries();

        using var plain = await client.Client.PostAsync(server.Url("/plain"), new StringContent("""{"q":1}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, plain.StatusCode);
        Assert.Equal(1, server.CountFor("/plain"));

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, server.Url("/marked")) { Content = new StringContent("""{"q":1}""", Encoding.UTF8, "application/json") };
            using var marked = await client.Client.SendAsync(request.MarkAsQuery());
            Assert.Equal(HttpStatusCode.OK, marked.StatusCode);
            Assert.Equal("""POST application/json; charset=utf-8 {"q":1}""", await Body(marked));
            Assert.StartsWith(i == 0 ? "StatusAwareHttp; fwd=uri-miss" : "StatusAwareHttp; hit", Status(marked), StringComparison.Ordinal);
        }

        // One 503 retried, then one 200 stored and served.
        Assert.Equal(2, server.CountFor("/marked"));
    }

    [Fact]
    public async Task A_redirect_chain_of_307_308_301_and_302_repeats_the_QUERY_with_its_content_and_303_turns_it_into_a_GET()
    {
        var time = Time();
        await using var other = await LoopbackServer.StartAsync(app =>
        {
            MapSearch(app, time);
            app.MapMethods("/see-other", ["QUERY"], (HttpContext c) =>
            {
                c.Response.StatusCode = 303;
                c.Response.Headers.Location = "/stored-queries/42";
                return Task.CompletedTask;
            });
            app.MapGet("/stored-queries/42", (HttpContext c) => Results.Text("stored query " + c.Request.Method + " " + (c.Request.ContentLength ?? 0)));
        });
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            void Hop(string from, int status, string to) => app.MapMethods(from, ["QUERY"], (HttpContext c) =>
            {
                c.Response.StatusCode = status;
                c.Response.Headers.Location = to;
                return Task.CompletedTask;
            });
            Hop("/a", 307, "/b");
            Hop("/b", 308, "/c");
            Hop("/c", 301, "/d");
            Hop("/d", 302, other.Url("/search").ToString());
        });
        await using var client = TestClient.Create();

        using var request = StreamQuery(server.Url("/a"), """{"q":"chain"}""");
        request.Headers.Authorization = new("Bearer", "secret");
        using var response = await client.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""QUERY application/json; charset=utf-8 {"q":"chain"}""", await Body(response));
        Assert.All(server.Requests, r => Assert.Equal(("QUERY", """{"q":"chain"}"""), (r.Method, r.BodyText)));
        Assert.All(server.Requests, r => Assert.Equal("Bearer secret", r.Header("Authorization")));
        var last = Assert.Single(other.Requests);
        Assert.Equal("application/json; charset=utf-8", last.Header("Content-Type"));

        // Across origins the credentials are dropped, as for every method.
        Assert.Null(last.Header("Authorization"));

        // §2.5: a 303 to a QUERY is followed with a GET, without content.
        using var seeOther = await client.Client.SendAsync(Query(other.Url("/see-other"), """{"q":"x"}"""));
        Assert.Equal("stored query GET 0", await Body(seeOther));
        Assert.Equal(HttpMethod.Get, seeOther.RequestMessage!.Method);
    }

    [Fact]
    public async Task A_2xx_to_a_QUERY_offers_its_Location_and_Content_Location_resolved_and_a_GET_or_POST_answer_does_not()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapSearch(app, time));
        await using var client = Client(time);

        using var query = await client.Client.SendAsync(Query(server.Url("/search"), """{"q":"a"}"""));
        Assert.Equal(server.Url("/stored-queries/42"), query.GetQueryLocation());
        Assert.Equal(server.Url("/results/17"), query.GetQueryResultLocation());

        // From storage too.
        using var hit = await client.Client.SendAsync(Query(server.Url("/search"), """{"q":"a"}"""));
        Assert.StartsWith("StatusAwareHttp; hit", Status(hit), StringComparison.Ordinal);
        Assert.Equal(server.Url("/stored-queries/42"), hit.GetQueryLocation());
        Assert.Equal(server.Url("/results/17"), hit.GetQueryResultLocation());

        using var post = await client.Client.PostAsync(server.Url("/search"), new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Null(post.GetQueryLocation());
        Assert.Null(post.GetQueryResultLocation());
    }
}
