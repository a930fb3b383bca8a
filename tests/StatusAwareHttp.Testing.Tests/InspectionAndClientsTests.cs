using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Testing.Internal;

namespace StatusAwareHttp.Testing.Tests;

/// <summary>What reached the origin, QUERY by content, variants, PUT and DELETE, the clients, and the fallback for unrouted requests.</summary>
public sealed class InspectionAndClientsTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Requests_are_listed_and_counted_per_route_method_and_header()
    {
        var time = new FakeTimeProvider(Start);
        await using var origin = await TestOrigin.StartAsync(time);
        var route = origin.Map("/a", TestRepresentation.Text("a"));
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };

        using var get = new HttpRequestMessage(HttpMethod.Get, "/a?page=2");
        get.Headers.Add("X-Tenant", "blue");
        (await client.SendAsync(get)).Dispose();
        (await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/a"))).Dispose();
        (await client.PostAsync(new Uri("/a", UriKind.Relative), new StringContent("hello"))).Dispose();
        (await client.GetAsync(new Uri("/nowhere", UriKind.Relative))).Dispose();

        Assert.Equal(3, route.Count());
        Assert.Equal(1, route.Count("GET"));
        Assert.Equal(1, route.Count("head"));
        Assert.Equal(1, route.CountWithHeader("X-Tenant"));
        Assert.Equal(1, route.CountWithHeader("x-tenant", "blue"));
        Assert.Equal(0, route.CountWithHeader("X-Tenant", "red"));
        Assert.Equal(3, origin.Count("/a"));
        Assert.Equal(1, origin.Count("/nowhere"));
        Assert.Equal(404, origin.RequestsTo("/nowhere").Single().Status);
        Assert.Equal("/a?page=2", route.Requests[0].Target);
        Assert.Equal("/a", route.Requests[0].Path);
        Assert.Equal(Start, route.Requests[0].ReceivedAt);
        var post = origin.RequestsTo("/a", "POST").Single();
        Assert.Equal("hello", post.BodyText());
        Assert.Equal(204, post.Status);
        Assert.Equal("POST /a -> 204", post.ToString());

        origin.ClearRequests();
        Assert.Empty(origin.Requests);
        Assert.Equal(0, route.Count());
    }

    [Fact]
    public async Task Query_is_answered_by_content_and_cached_per_content_by_the_librarys_client()
    {
        await using var origin = await TestOrigin.StartAsync(new FakeTimeProvider(Start));
        var route = origin.MapQuery("/search", request =>
            TestRepresentation.Json($"{{\"results\":\"{request.BodyText().ToUpperInvariant()}\"}}", cacheControl: "max-age=60"));
        using var client = origin.CreateClient();

        async Task<(string Body, CacheOutcome Outcome)> Query(string text)
        {
            using var request = new HttpRequestMessage(new HttpMethod("QUERY"), "/search") { Content = new StringContent(text, Encoding.UTF8, "text/plain") };
            using var response = await client.SendAsync(request);
            return (await response.Content.ReadAsStringAsync(), response.GetCacheOutcome());
        }

        Assert.Equal(("{\"results\":\"RED\"}", CacheOutcome.Miss), await Query("red"));
        Assert.Equal(("{\"results\":\"RED\"}", CacheOutcome.Hit), await Query("red"));
        Assert.Equal(("{\"results\":\"BLUE\"}", CacheOutcome.Miss), await Query("blue"));
        Assert.Equal(["red", "blue"], route.Requests.Select(r => r.BodyText()));
        using var plain = new HttpClient();
        using var get = await plain.GetAsync(origin.Url("/search"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal("QUERY, OPTIONS", string.Join(", ", get.Content.Headers.Allow));
    }

    [Fact]
    public async Task A_route_can_choose_its_representation_per_request_and_each_variant_has_its_own_etag()
    {
        await using var origin = await TestOrigin.StartAsync(new FakeTimeProvider(Start));
        origin.Map("/greeting", request => TestRepresentation.Text(request.Header("Accept-Language") == "fr" ? "bonjour" : "hello") with { Vary = "Accept-Language" });
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };

        using var fr = new HttpRequestMessage(HttpMethod.Get, "/greeting");
        fr.Headers.Add("Accept-Language", "fr");
        using var french = await client.SendAsync(fr);
        using var english = await client.GetAsync(new Uri("/greeting", UriKind.Relative));

        Assert.Equal("bonjour", await french.Content.ReadAsStringAsync());
        Assert.Equal("hello", await english.Content.ReadAsStringAsync());
        Assert.NotEqual(french.Headers.ETag, english.Headers.ETag);
        Assert.Contains("Accept-Language", english.Headers.Vary);
    }

    [Fact]
    public async Task Put_replaces_the_representation_with_a_new_etag_and_delete_removes_it()
    {
        await using var origin = await TestOrigin.StartAsync(new FakeTimeProvider(Start));
        var route = origin.Map("/doc", TestRepresentation.Text("one"));
        var before = route.Representation!.ETag;
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };

        using var stalePut = new HttpRequestMessage(HttpMethod.Put, "/doc") { Content = new StringContent("lost") };
        stalePut.Headers.TryAddWithoutValidation("If-Match", "\"old\"");
        using var refused = await client.SendAsync(stalePut);
        using var put = new HttpRequestMessage(HttpMethod.Put, "/doc") { Content = new StringContent("two", Encoding.UTF8, "text/plain") };
        put.Headers.TryAddWithoutValidation("If-Match", before);
        using var accepted = await client.SendAsync(put);

        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        Assert.Equal("two", route.Representation!.BodyText());
        Assert.NotEqual(before, route.Representation.ETag);

        using var deleted = await client.DeleteAsync(new Uri("/doc", UriKind.Relative));
        using var gone = await client.GetAsync(new Uri("/doc", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task The_factory_client_points_at_the_origin_on_its_clock()
    {
        var time = new FakeTimeProvider(Start);
        await using var origin = await TestOrigin.StartAsync(time);
        origin.Map("/items", TestRepresentation.Json("[]", cacheControl: "max-age=60"));
        var services = new ServiceCollection();
        services.AddTestOriginClient("api", origin);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        using var first = await client.GetAsync(new Uri("/items", UriKind.Relative));
        using var second = await client.GetAsync(new Uri("/items", UriKind.Relative));
        time.Advance(TimeSpan.FromSeconds(61));
        using var third = await client.GetAsync(new Uri("/items", UriKind.Relative));

        Assert.Same(time, provider.GetRequiredService<TimeProvider>());
        Assert.Equal(origin.BaseAddress, client.BaseAddress);
        Assert.Equal(CacheOutcome.Miss, first.GetCacheOutcome());
        Assert.Equal(CacheOutcome.Hit, second.GetCacheOutcome());
        Assert.Equal(CacheOutcome.Revalidated, third.GetCacheOutcome());
        Assert.Equal(2, origin.Count("/items"));
    }

    [Theory]
    [InlineData(true, 30, HttpCacheForwardReason.None, null, "Hit")]
    [InlineData(true, null, HttpCacheForwardReason.None, null, "Hit")]
    [InlineData(true, -5, HttpCacheForwardReason.None, null, "StaleHit")]
    [InlineData(false, null, HttpCacheForwardReason.UriMiss, null, "Miss")]
    [InlineData(false, null, HttpCacheForwardReason.VaryMiss, null, "Miss")]
    [InlineData(false, null, HttpCacheForwardReason.Partial, 206, "Miss")]
    [InlineData(false, null, HttpCacheForwardReason.Stale, 304, "Revalidated")]
    [InlineData(false, null, HttpCacheForwardReason.Request, 304, "Revalidated")]
    [InlineData(false, null, HttpCacheForwardReason.Stale, 200, "Refreshed")]
    [InlineData(false, null, HttpCacheForwardReason.Request, null, "Refreshed")]
    [InlineData(false, null, HttpCacheForwardReason.Bypass, null, "Bypassed")]
    [InlineData(false, null, HttpCacheForwardReason.Method, null, "Bypassed")]
    [InlineData(false, null, HttpCacheForwardReason.None, null, "Unavailable")]
    public void The_cache_outcome_summarizes_the_cache_status(bool hit, int? ttl, HttpCacheForwardReason reason, int? forwardStatus, string expected)
    {
        var status = new HttpCacheStatus
        {
            Hit = hit,
            TimeToLive = ttl is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            ForwardReason = reason,
            ForwardStatus = forwardStatus,
        };

        Assert.Equal(Enum.Parse<CacheOutcome>(expected), CacheOutcomeExtensions.Summarize(status));
        Assert.Equal(CacheOutcome.NotCached, CacheOutcomeExtensions.Summarize(null));
    }

    [Fact]
    public async Task A_fallback_answers_what_no_route_matches_seeing_the_whole_request()
    {
        await using var origin = await TestOrigin.StartAsync(new FakeTimeProvider(Start));
        var fallback = new EchoFallback();
        origin.Fallback = fallback;
        origin.Map("/declared", TestRepresentation.Text("declared"));
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };

        using var request = new HttpRequestMessage(HttpMethod.Post, "/replayed?id=7") { Content = new StringContent("body") };
        request.Headers.Add("X-Trace", "t1");
        using var response = await client.SendAsync(request);
        using var declared = await client.GetAsync(new Uri("/declared", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("POST /replayed?id=7 t1 body", await response.Content.ReadAsStringAsync());
        Assert.Equal("yes", response.Headers.GetValues("X-Replayed").Single());
        Assert.Equal("declared", await declared.Content.ReadAsStringAsync());
        Assert.Equal(202, origin.RequestsTo("/replayed").Single().Status);
        Assert.Equal(1, fallback.Calls);
    }

    [Fact]
    public async Task A_throwing_chooser_is_answered_500_naming_the_exception()
    {
        await using var origin = await TestOrigin.StartAsync();
        origin.Map("/broken", _ => throw new InvalidOperationException("no such variant"));
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };

        using var response = await client.GetAsync(new Uri("/broken", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("InvalidOperationException: no such variant", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(500, origin.Requests.Single().Status);
    }

    private sealed class EchoFallback : ITestOriginFallback
    {
        public int Calls;

        public async ValueTask<bool> TryAnswerAsync(ReceivedRequest request, HttpResponse response, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            response.StatusCode = 202;
            response.Headers["X-Replayed"] = "yes";
            await response.WriteAsync($"{request.Method} {request.Target} {request.Header("X-Trace")} {request.BodyText()}", cancellationToken);
            return true;
        }
    }
}
