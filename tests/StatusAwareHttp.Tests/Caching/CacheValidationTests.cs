using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Testing;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// End to end over real sockets: conditional requests and 304 (RFC 9111 §4.3, RFC 9110 §13), HEAD (§4.3.5). A correct
/// origin is a <see cref="TestOrigin"/>; the origins that answer oddly on purpose (unquoted tags, a 304 for another
/// validator, HEAD fields unlike GET's, no-store on a 304) stay hand-written.
/// </summary>
public class CacheValidationTests
{
    /// <summary>A <see cref="TestOrigin"/> on the test's clock with <c>/etag</c>: "body of v1", fresh for 60 s, with <c>X-Extra</c>.</summary>
    private static async Task<(TestOrigin Origin, TestRoute Route)> ETagOrigin(TimeProvider time, string extra = "x")
    {
        var origin = await TestOrigin.StartAsync(time);
        var route = origin.Map("/etag", Representation("body of v1", extra));
        return (origin, route);
    }

    private static TestRepresentation Representation(string body, string extra) =>
        TestRepresentation.Text(body, cacheControl: "max-age=60") with { Headers = new Dictionary<string, string> { ["X-Extra"] = extra } };

    [Fact]
    public async Task A_stale_entry_is_revalidated_and_a_304_serves_the_stored_body_with_updated_headers()
    {
        var time = Time();
        var (origin, route) = await ETagOrigin(time, extra: "first");
        await using var _ = origin;
        route.Script(TestStep.Representation().WithHeader("X-Only-In-200", "yes"));
        await using var client = Client(time);
        (await GetAsync(client, origin.Url("/etag"))).Response.Dispose();

        time.Advance(TimeSpan.FromSeconds(61));
        route.Representation = Representation("body of v1", extra: "second");
        using var request = new HttpRequestMessage(HttpMethod.Get, origin.Url("/etag"));
        using var response = await client.Client.SendAsync(request);

        // §4.3.1: the stored ETag goes back as If-None-Match.
        Assert.Equal(route.Representation.ETag, route.Requests[^1].Header("If-None-Match"));
        Assert.Equal(304, route.Requests[^1].Status);
        // §4.3.4: the caller gets the stored status and body, never a bare 304.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("body of v1", await response.Content.ReadAsStringAsync());
        Assert.Equal("StatusAwareHttp; fwd=stale; fwd-status=304; ttl=60", Status(response));
        Assert.Equal(CacheOutcome.Revalidated, response.GetCacheOutcome());
        Assert.Equal("0", Header(response, "Age"));
        // §3.2: headers updated from the 304, the rest kept.
        Assert.Equal("second", Header(response, "X-Extra"));
        Assert.Equal("yes", Header(response, "X-Only-In-200"));
        // The caller's request is left as it came.
        Assert.False(request.Headers.Contains("If-None-Match"));
        Assert.False(request.Options.TryGetValue(StatusAwareRequestOptions.LibraryAddedHeaders, out var added) && added.Count > 0);

        // The 304 refreshed the entry: fresh again for 60 s.
        time.Advance(TimeSpan.FromSeconds(30));
        var (hit, _) = await GetAsync(client, origin.Url("/etag"));
        Assert.Equal("StatusAwareHttp; hit; ttl=30", Status(hit));
        Assert.Equal("second", Header(hit, "X-Extra"));
        Assert.Equal(2, route.Count());
        hit.Dispose();
    }

    [Fact]
    public async Task A_changed_resource_replaces_the_stored_response()
    {
        var time = Time();
        var (origin, route) = await ETagOrigin(time);
        await using var _ = origin;
        await using var client = Client(time);
        (await GetAsync(client, origin.Url("/etag"))).Response.Dispose();

        time.Advance(TimeSpan.FromSeconds(61));
        route.Representation = Representation("body of v2", "x");
        var (changed, body) = await GetAsync(client, origin.Url("/etag"));
        Assert.Equal("body of v2", body);
        Assert.StartsWith("StatusAwareHttp; fwd=stale; fwd-status=200", Status(changed), StringComparison.Ordinal);

        var (hit, hitBody) = await GetAsync(client, origin.Url("/etag"));
        Assert.Equal("body of v2", hitBody);
        Assert.Contains("hit", Status(hit), StringComparison.Ordinal);
        Assert.Equal([200, 200], route.Requests.Select(r => r.Status));
        changed.Dispose();
        hit.Dispose();
    }

    // §4.3.1: validators go back as the origin sent them: weak ETags too, unquoted ones tolerated, Last-Modified alone.
    [Theory]
    [InlineData("ETag", "W/\"weak-1\"", "If-None-Match")]
    [InlineData("ETag", "unquoted-1", "If-None-Match")]
    [InlineData("Last-Modified", "Tue, 15 Nov 1994 12:45:26 GMT", "If-Modified-Since")]
    public async Task Validators_are_sent_back_byte_for_byte(string validator, string value, string condition)
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v", (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "no-cache"; // §5.2.2.4: validate on every use
            context.Response.Headers[validator] = value;
            if (context.Request.Headers[condition] == value)
            {
                context.Response.StatusCode = 304;
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync("validated body");
        }));
        await using var client = Client(time);

        (await GetAsync(client, server.Url("v"))).Response.Dispose();
        var (response, body) = await GetAsync(client, server.Url("v"));

        Assert.Equal(value, server.Requests[^1].Header(condition));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("validated body", body);
        Assert.Contains("fwd-status=304", Status(response), StringComparison.Ordinal);
        response.Dispose();
    }

    // §4.3.2 is the origin's: a caller's own conditional request passes through untouched, 304 and all.
    [Fact]
    public async Task A_callers_own_conditional_request_passes_through_untouched()
    {
        var time = Time();
        var (origin, route) = await ETagOrigin(time);
        await using var _ = origin;
        await using var client = Client(time);
        var etag = route.Representation!.ETag;

        var (own, _) = await GetAsync(client, origin.Url("/etag"), r => r.Headers.TryAddWithoutValidation("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.NotModified, own.StatusCode);
        Assert.Null(Status(own));
        var (plain, _) = await GetAsync(client, origin.Url("/etag"));
        Assert.Contains("fwd=uri-miss", Status(plain), StringComparison.Ordinal); // the 304 was not stored

        var (ownAgain, _) = await GetAsync(client, origin.Url("/etag"), r => r.Headers.TryAddWithoutValidation("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.NotModified, ownAgain.StatusCode); // not answered from storage either
        Assert.Equal(3, route.Count());
        Assert.Equal([304, 200, 304], route.Requests.Select(r => r.Status));
        own.Dispose();
        plain.Dispose();
        ownAgain.Dispose();
    }

    // §4.3.4: a 304 that selects no stored response is not served as the stored one, nor handed back bare.
    [Fact]
    public async Task A_304_for_another_validator_is_fetched_again_without_conditions()
    {
        var time = Time();
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/odd", (HttpContext context) =>
        {
            calls++;
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "max-age=60";
            if (calls == 2)
            {
                context.Response.Headers.ETag = "\"other\"";
                context.Response.StatusCode = 304;
                return Task.CompletedTask;
            }

            context.Response.Headers.ETag = calls == 1 ? "\"v1\"" : "\"v3\"";
            return context.Response.WriteAsync("call " + calls);
        }));
        await using var client = Client(time);
        (await GetAsync(client, server.Url("odd"))).Response.Dispose();
        time.Advance(TimeSpan.FromSeconds(61));

        var (response, body) = await GetAsync(client, server.Url("odd"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("call 3", body);
        Assert.Null(server.Requests[^1].Header("If-None-Match"));
        response.Dispose();
    }

    // §4.3.5: a 200 to HEAD freshens the stored GET response, or shows it outdated.
    [Theory]
    [InlineData("\"v1\"", true)]
    [InlineData("\"v2\"", false)]
    public async Task A_head_response_freshens_or_outdates_the_stored_get_response(string headETag, bool freshened)
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => app.MapMethods("/h", ["GET", "HEAD"], (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            var head = HttpMethods.IsHead(context.Request.Method);
            context.Response.Headers.CacheControl = head ? "max-age=600" : "max-age=10";
            context.Response.Headers.ETag = head ? headETag : "\"v1\"";
            context.Response.Headers["X-From"] = head ? "head" : "get";
            return head ? Task.CompletedTask : context.Response.WriteAsync("get body");
        }));
        await using var client = Client(time);
        (await GetAsync(client, server.Url("h"))).Response.Dispose();
        time.Advance(TimeSpan.FromSeconds(20));

        using (var head = await client.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, server.Url("h"))))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        }

        var (response, body) = await GetAsync(client, server.Url("h"));
        Assert.Equal("get body", body);
        if (freshened)
        {
            Assert.Contains("; hit", Status(response), StringComparison.Ordinal);
            Assert.Equal("head", Header(response, "X-From"));
            Assert.Equal(1, server.Requests.Count(r => r.Method == "GET"));
        }
        else
        {
            Assert.Contains("fwd=uri-miss", Status(response), StringComparison.Ordinal);
            Assert.Null(server.Requests[^1].Header("If-None-Match"));
        }

        response.Dispose();
    }

    // §4.3.4 with §5.2.2.5: a 304 that says no-store ends the entry; the caller still gets the body.
    [Fact]
    public async Task A_304_with_no_store_serves_the_body_and_drops_the_entry()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/ns", (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.ETag = "\"v1\"";
            if (context.Request.Headers.IfNoneMatch == "\"v1\"")
            {
                context.Response.Headers.CacheControl = "no-store";
                context.Response.StatusCode = 304;
                return Task.CompletedTask;
            }

            context.Response.Headers.CacheControl = "no-cache";
            return context.Response.WriteAsync("kept");
        }));
        await using var client = Client(time);
        (await GetAsync(client, server.Url("ns"))).Response.Dispose();

        var (revalidated, body) = await GetAsync(client, server.Url("ns"));
        Assert.Equal("kept", body);
        Assert.Contains("fwd-status=304", Status(revalidated), StringComparison.Ordinal);
        var (after, _) = await GetAsync(client, server.Url("ns"));
        Assert.Contains("fwd=uri-miss", Status(after), StringComparison.Ordinal);
        revalidated.Dispose();
        after.Dispose();
    }
}
