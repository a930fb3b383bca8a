using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;
using static StatusAwareHttp.Tests.QueryMethod.QueryOrigin;

namespace StatusAwareHttp.Tests.QueryMethod;

/// <summary>End to end over real sockets against an origin that implements QUERY: RFC 10008 §2, §2.6, §2.7.</summary>
public sealed class QueryCacheTests
{
    [Fact]
    public async Task A_QUERY_is_stored_by_its_content_the_same_content_is_a_hit_and_other_content_a_miss()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapSearch(app, time));
        await using var client = Client(time);

        using (var first = await client.Client.SendAsync(Query(server.Url("/search"), """{"q":"a"}""")))
        {
            Assert.Equal("QUERY application/json; charset=utf-8 {\"q\":\"a\"}", await Body(first));
            Assert.Equal("StatusAwareHttp; fwd=uri-miss; fwd-status=200; ttl=60", Status(first));
        }

        // §2.7: the same content is served from storage.
        using (var hit = await client.Client.SendAsync(Query(server.Url("/search"), """{"q":"a"}""")))
        {
            Assert.Equal("QUERY application/json; charset=utf-8 {\"q\":\"a\"}", await Body(hit));
            Assert.StartsWith("StatusAwareHttp; hit", Status(hit), StringComparison.Ordinal);
        }

        // Any other content is another query.
        using (var other = await client.Client.SendAsync(Query(server.Url("/search"), """{"q":"b"}""")))
        {
            Assert.Equal("QUERY application/json; charset=utf-8 {\"q\":\"b\"}", await Body(other));
            Assert.Contains("fwd=uri-miss", Status(other), StringComparison.Ordinal);
        }

        Assert.Equal(2, server.CountFor("/search"));
    }

    [Fact]
    public async Task The_same_bytes_with_another_Content_Type_or_Content_Encoding_are_a_miss()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapSearch(app, time));
        await using var client = Client(time);

        (await client.Client.SendAsync(Query(server.Url("/search"), "q=a", "text/plain"))).Dispose();
        using var otherType = await client.Client.SendAsync(Query(server.Url("/search"), "q=a", "application/x-www-form-urlencoded"));
        Assert.Contains("fwd=uri-miss", Status(otherType), StringComparison.Ordinal);

        using var encoded = Query(server.Url("/search"), "q=a", "text/plain");
        encoded.Content!.Headers.ContentEncoding.Add("x-test");
        using var otherEncoding = await client.Client.SendAsync(encoded);
        Assert.Contains("fwd=uri-miss", Status(otherEncoding), StringComparison.Ordinal);
        Assert.Equal(3, server.CountFor("/search"));
    }

    [Fact]
    public async Task JSON_that_differs_only_in_whitespace_is_a_hit_unless_the_request_says_no_transform()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapSearch(app, time));
        await using var client = Client(time);

        (await client.Client.SendAsync(Query(server.Url("/search"), """{"q": "a b", "n": [1, 2]}"""))).Dispose();
        using var spaced = await client.Client.SendAsync(Query(server.Url("/search"), "{ \"q\" : \"a b\",\n\t\"n\" : [ 1 , 2 ] }\r\n"));
        Assert.StartsWith("StatusAwareHttp; hit", Status(spaced), StringComparison.Ordinal);

        // Whitespace inside a string is content.
        using var inString = await client.Client.SendAsync(Query(server.Url("/search"), """{"q": "a  b", "n": [1, 2]}"""));
        Assert.Contains("fwd=uri-miss", Status(inString), StringComparison.Ordinal);

        // §2.7: no-transform asks that the content be keyed as sent.
        using var exact = Query(server.Url("/search"), "{ \"q\" : \"a b\", \"n\" : [ 1 , 2 ] }");
        exact.Headers.TryAddWithoutValidation("Cache-Control", "no-transform");
        using var untransformed = await client.Client.SendAsync(exact);
        Assert.Contains("fwd=uri-miss", Status(untransformed), StringComparison.Ordinal);
        Assert.Equal(3, server.CountFor("/search"));
    }

    [Fact]
    public async Task A_2xx_to_a_QUERY_never_invalidates_the_stored_GET_of_its_URI()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapSearch(app, time);
            app.MapGet("/search", (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "max-age=60";
                return Results.Text("listing");
            });
        });
        await using var client = Client(time);
        (await client.Client.GetAsync(server.Url("/search"))).Dispose();

        (await client.Client.SendAsync(Query(server.Url("/search"), """{"q":"a"}"""))).Dispose();

        using var get = await client.Client.GetAsync(server.Url("/search"));
        Assert.StartsWith("StatusAwareHttp; hit", Status(get), StringComparison.Ordinal);
        Assert.Equal(2, server.CountFor("/search"));
    }

    [Fact]
    public async Task A_stale_QUERY_entry_is_revalidated_with_its_ETag_and_the_same_content_and_a_304_serves_it()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapSearch(app, time));
        await using var client = Client(time);
        (await client.Client.SendAsync(Query(server.Url("/search"), """{"q":"a"}"""))).Dispose();

        time.Advance(TimeSpan.FromSeconds(61));
        using var response = await client.Client.SendAsync(Query(server.Url("/search"), """{"q":"a"}"""));

        var revalidation = server.Requests[^1];
        Assert.Equal("QUERY", revalidation.Method);
        Assert.NotNull(revalidation.Header("If-None-Match"));
        Assert.Equal("""{"q":"a"}""", revalidation.BodyText);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("StatusAwareHttp; fwd=stale; fwd-status=304; ttl=60", Status(response));
        Assert.Equal("QUERY application/json; charset=utf-8 {\"q\":\"a\"}", await Body(response));
    }

    [Fact]
    public async Task Content_over_MaxQueryContentBytes_or_of_unknown_length_is_sent_unchanged_and_not_stored()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapSearch(app, time));
        await using var client = Client(time, o => o.Cache.MaxQueryContentBytes = 16);
        var large = """{"q":"more than sixteen bytes"}""";

        for (var i = 0; i < 2; i++)
        {
            using var response = await client.Client.SendAsync(Query(server.Url("/search"), large));
            Assert.Equal("StatusAwareHttp; fwd=request; fwd-status=200; detail=query-content", Status(response));
            Assert.Equal(large, server.Requests[^1].BodyText);
        }

        using var unknown = await client.Client.SendAsync(StreamQuery(server.Url("/search"), """{"q":1}""", withLength: false));
        Assert.Contains("detail=query-content", Status(unknown), StringComparison.Ordinal);
        Assert.Equal("""{"q":1}""", server.Requests[^1].BodyText);
        Assert.Equal(3, server.CountFor("/search"));
    }

    [Fact]
    public async Task A_query_without_a_media_type_is_sent_as_it_is_and_not_stored()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapSearch(app, time));
        await using var client = Client(time);

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Query, server.Url("/search")) { Content = new ByteArrayContent("q"u8.ToArray()) };
            using var response = await client.Client.SendAsync(request);
            Assert.Contains("detail=query-content", Status(response), StringComparison.Ordinal);
        }

        Assert.Equal(2, server.CountFor("/search"));
    }

    [Fact]
    public async Task Identical_QUERY_requests_in_flight_together_make_one_request_to_the_origin()
    {
        var time = Time();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(app => app.MapMethods("/slow", ["QUERY"], async (HttpContext c) =>
        {
            await release.Task;
            c.Response.Headers.CacheControl = "max-age=60";
            await c.Response.WriteAsync("slow result");
        }));
        await using var client = Client(time);

        var first = client.Client.SendAsync(Query(server.Url("/slow"), """{"q":"a"}"""));
        await WaitUntil(() => server.CountFor("/slow") == 1, "the first QUERY reached the origin");
        var second = client.Client.SendAsync(Query(server.Url("/slow"), """{"q":"a"}"""));
        await WaitUntil(() => State(client).Waiting > 0, "the second QUERY joined the first");
        release.SetResult();

        using var a = await first;
        using var b = await second;
        Assert.Equal("slow result", await Body(a));
        Assert.Equal("slow result", await Body(b));
        Assert.Contains("collapsed", Status(b), StringComparison.Ordinal);
        Assert.Equal(1, server.CountFor("/slow"));
    }

    [Fact]
    public async Task The_inspection_API_lists_a_QUERY_entry_with_its_method_and_never_its_content()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapSearch(app, time));
        await using var client = Client(time);
        (await client.Client.SendAsync(Query(server.Url("/search"), """{"secret":"hunter2"}"""))).Dispose();
        var cache = client.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name);

        var entry = Assert.Single(await cache.GetEntriesAsync().ToListAsync());
        Assert.Equal("QUERY", entry.Method);
        Assert.Equal(server.Url("/search"), entry.Uri);
        var key = Assert.Single(await ((IHttpCacheStoreInspection)State(client).Store).GetKeysAsync(default).ToListAsync());
        Assert.DoesNotContain("hunter2", key, StringComparison.Ordinal);
        Assert.StartsWith("QUERY " + server.Url("/search") + " #", key, StringComparison.Ordinal);

        // Removal by URI reaches the QUERY entries of the URI.
        Assert.Equal(1, await cache.RemoveAsync(server.Url("/search")));
    }

    [Fact]
    public async Task Offline_a_stored_QUERY_is_answered_from_storage_and_another_gets_a_504()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapSearch(app, time));
        await using var client = Client(time);
        (await client.Client.SendAsync(Query(server.Url("/search"), """{"q":"a"}"""))).Dispose();
        client.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name).Offline = true;

        using var stored = await client.Client.SendAsync(Query(server.Url("/search"), """{"q":"a"}"""));
        using var other = await client.Client.SendAsync(Query(server.Url("/search"), """{"q":"b"}"""));

        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal(HttpStatusCode.GatewayTimeout, other.StatusCode);
        Assert.Equal(1, server.CountFor("/search"));
    }

    [Fact]
    public async Task The_synchronous_Send_stores_and_serves_a_QUERY_as_SendAsync_does()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapSearch(app, time));
        await using var client = Client(time);

        await Task.Run(() =>
        {
            client.Client.Send(StreamQuery(server.Url("/search"), """{"q":"s"}""")).Dispose();
            using var hit = client.Client.Send(Query(server.Url("/search"), """{"q":"s"}"""));
            Assert.StartsWith("StatusAwareHttp; hit", Status(hit), StringComparison.Ordinal);
        });

        Assert.Equal(1, server.CountFor("/search"));
        Assert.Equal("""{"q":"s"}""", server.Requests[0].BodyText);
    }

    [Fact]
    public async Task A_URL_rule_makes_the_POSTs_it_matches_queries_and_leaves_other_POSTs_unsafe()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapSearch(app, time, "/graphql");
            MapSearch(app, time, "/orders");
        });
        await using var client = Client(time, o => o.Cache.Rules.Add(new CacheRule { PathPrefix = "/graphql", PostIsQuery = true }));
        HttpRequestMessage Post(string path) =>
            new(HttpMethod.Post, server.Url(path)) { Content = new StringContent("""{"query":"{ me }"}""", Encoding.UTF8, "application/json") };

        (await client.Client.SendAsync(Post("/graphql"))).Dispose();
        using var hit = await client.Client.SendAsync(Post("/graphql"));
        Assert.StartsWith("StatusAwareHttp; hit", Status(hit), StringComparison.Ordinal);

        // The rule's opt-in can be taken back per request.
        using var unmarked = await client.Client.SendAsync(Post("/graphql").MarkAsQuery(false));
        Assert.Null(Status(unmarked));

        (await client.Client.SendAsync(Post("/orders"))).Dispose();
        using var notCached = await client.Client.SendAsync(Post("/orders"));
        Assert.Null(Status(notCached));
        Assert.Equal(2, server.CountFor("/graphql"));
        Assert.Equal(2, server.CountFor("/orders"));
    }

    [Fact]
    public async Task Cache_metrics_and_the_span_show_the_QUERY_method()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapSearch(app, time));
        await using var client = Client(time);
        using var lookups = new MetricCollector<long>(client.Services.GetRequiredService<IMeterFactory>(), "StatusAwareHttp", "statusawarehttp.cache.lookups");
        var spans = await SpanCapture.SpansOf(async () =>
        {
            (await client.Client.SendAsync(Query(server.Url("/search"), """{"q":"m"}"""))).Dispose();
            (await client.Client.SendAsync(Query(server.Url("/search"), """{"q":"m"}"""))).Dispose();
        });

        Assert.Equal(
            [("miss", "QUERY"), ("hit", "QUERY")],
            lookups.GetMeasurementSnapshot().Select(m => ((string)m.Tags["outcome"]!, (string)m.Tags["http.request.method"]!)));
        var ours = spans.Where(a => a.Source.Name == "StatusAwareHttp").ToList();
        Assert.Equal(2, ours.Count);
        Assert.All(ours, span => Assert.Equal("QUERY", span.TagObjects.First(t => t.Key == "http.request.method").Value));
    }

    [Fact]
    public async Task Within_stale_while_revalidate_a_QUERY_is_served_stale_and_revalidated_in_the_background_with_its_content()
    {
        var time = Time();
        var version = 1;
        await using var server = await LoopbackServer.StartAsync(app => app.MapMethods("/swr", ["QUERY"], async (HttpContext c) =>
        {
            using var reader = new StreamReader(c.Request.Body);
            var text = await reader.ReadToEndAsync();
            c.Response.Headers.Date = Http(time.GetUtcNow());
            c.Response.Headers.CacheControl = "max-age=10, stale-while-revalidate=60";
            await c.Response.WriteAsync($"v{Volatile.Read(ref version)} {text}");
        }));
        await using var client = Client(time);
        using var stream = StreamQuery(server.Url("/swr"), """{"q":"w"}""");
        (await client.Client.SendAsync(stream)).Dispose();

        time.Advance(TimeSpan.FromSeconds(20));
        Volatile.Write(ref version, 2);
        using var stale = await client.Client.SendAsync(Query(server.Url("/swr"), """{"q":"w"}"""));
        Assert.Equal("""v1 {"q":"w"}""", await Body(stale));
        await WaitUntil(() => server.CountFor("/swr") == 2, "the background revalidation reached the origin");

        var background = server.Requests[^1];
        Assert.Equal(("QUERY", """{"q":"w"}""", "application/json; charset=utf-8"), (background.Method, background.BodyText, background.Header("Content-Type")));
        await State(client).WhenRevalidationsIdleAsync();
        using var fresh = await client.Client.SendAsync(Query(server.Url("/swr"), """{"q":"w"}"""));
        Assert.Equal("""v2 {"q":"w"}""", await Body(fresh));
        Assert.StartsWith("StatusAwareHttp; hit", Status(fresh), StringComparison.Ordinal);
    }
}
