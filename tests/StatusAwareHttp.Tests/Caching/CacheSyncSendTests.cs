using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// End to end over real sockets through the synchronous <c>HttpClient.Send</c>: the cache behaves as it does for
/// <c>SendAsync</c> (a fresh entry served, a 304 revalidation, storing, invalidation).
/// </summary>
public class CacheSyncSendTests
{
    private static void MapResource(WebApplication app, TimeProvider time)
    {
        // ETag "v1", fresh for 10 s; a matching If-None-Match gets a 304.
        app.MapGet("/res", (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "max-age=10";
            context.Response.Headers.ETag = "\"v1\"";
            if (context.Request.Headers.IfNoneMatch == "\"v1\"")
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync("resource");
        });
        app.MapPost("/res", (HttpContext context) =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            return Task.CompletedTask;
        });
    }

    private static (HttpResponseMessage Response, string Body) Get(TestClient client, Uri uri)
    {
        var response = client.Client.Send(new HttpRequestMessage(HttpMethod.Get, uri));
        using var reader = new StreamReader(response.Content.ReadAsStream());
        return (response, reader.ReadToEnd());
    }

    [Fact]
    public async Task A_fresh_entry_is_served_by_Send_without_a_request_to_the_origin()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapResource(app, time));
        await using var client = Client(time);
        var uri = server.Url("res");

        var (first, firstBody) = Get(client, uri);
        Assert.Equal("resource", firstBody);
        Assert.Equal("StatusAwareHttp; fwd=uri-miss; fwd-status=200; ttl=10", Status(first));

        time.Advance(TimeSpan.FromSeconds(4));
        var (second, secondBody) = Get(client, uri);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("resource", secondBody);
        Assert.Equal("StatusAwareHttp; hit; ttl=6", Status(second));
        Assert.Equal("4", Header(second, "Age"));
        Assert.Equal(1, server.CountFor("/res"));
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task A_stale_entry_is_revalidated_by_Send_with_a_304()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapResource(app, time));
        await using var client = Client(time);
        var uri = server.Url("res");
        Get(client, uri).Response.Dispose();

        time.Advance(TimeSpan.FromSeconds(11));
        var (revalidated, body) = Get(client, uri);
        Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode); // the stored 200, never a bare 304
        Assert.Equal("resource", body);
        Assert.Equal("StatusAwareHttp; fwd=stale; fwd-status=304; ttl=10", Status(revalidated));
        Assert.Equal(2, server.CountFor("/res"));
        Assert.Equal("\"v1\"", server.Requests[^1].Header("If-None-Match"));

        // Freshened by the 304: served again without the origin.
        var (hit, _) = Get(client, uri);
        Assert.StartsWith("StatusAwareHttp; hit", Status(hit), StringComparison.Ordinal);
        Assert.Equal(2, server.CountFor("/res"));
        revalidated.Dispose();
        hit.Dispose();
    }

    [Fact]
    public async Task A_POST_sent_with_Send_invalidates_the_stored_GET()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapResource(app, time));
        await using var client = Client(time, o => o.Redirects.Enabled = false);
        var uri = server.Url("res");
        Get(client, uri).Response.Dispose();
        Get(client, uri).Response.Dispose();
        Assert.Equal(1, server.Requests.Count(r => r.Method == "GET"));

        using (var post = client.Client.Send(new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent("x") }))
        {
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        }

        var (after, body) = Get(client, uri);
        Assert.Equal("resource", body);
        Assert.StartsWith("StatusAwareHttp; fwd=uri-miss", Status(after), StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count(r => r.Method == "GET"));
        after.Dispose();
    }
}
