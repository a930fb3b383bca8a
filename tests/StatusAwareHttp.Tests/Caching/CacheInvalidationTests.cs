using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>End to end over real sockets: invalidation (RFC 9111 §4.4), and stored redirects followed by the redirect handler.</summary>
public class CacheInvalidationTests
{
    private static void MapItems(WebApplication app, TimeProvider time, Func<int> postStatus, Func<string?> location, Func<string?> contentLocation)
    {
        app.MapGet("/items/{**rest}", (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "max-age=600";
            return "items " + context.Request.Path;
        });
        app.MapMethods("/items", ["POST", "PUT", "PATCH", "DELETE"], (HttpContext context) =>
        {
            context.Response.StatusCode = postStatus();
            if (location() is { } l)
            {
                context.Response.Headers.Location = l;
            }

            if (contentLocation() is { } c)
            {
                context.Response.Headers.ContentLocation = c;
            }

            return Task.CompletedTask;
        });
    }

    // §4.4: a non-error response to an unsafe method invalidates the target URI.
    [Theory]
    [InlineData("POST", 201, true)]
    [InlineData("PUT", 204, true)]
    [InlineData("PATCH", 200, true)]
    [InlineData("DELETE", 200, true)]
    [InlineData("POST", 303, true)]
    [InlineData("POST", 400, false)]
    [InlineData("POST", 500, false)]
    public async Task An_unsafe_method_invalidates_the_target(string method, int status, bool invalidated)
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapItems(app, time, () => status, () => null, () => null));
        await using var client = Client(time, o => o.Redirects.Enabled = false);
        var items = server.Url("items/");
        (await GetAsync(client, items)).Response.Dispose();

        using (var change = await client.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), server.Url("items/"))))
        {
            Assert.Equal(status, (int)change.StatusCode);
        }

        var (after, _) = await GetAsync(client, items);
        Assert.Equal(invalidated ? 2 : 1, server.Requests.Count(r => r.Method == "GET"));
        Assert.Equal(invalidated, Status(after)!.Contains("fwd=uri-miss", StringComparison.Ordinal));
        after.Dispose();
    }

    // §4.4: Location and Content-Location are invalidated too, but only on the same origin.
    [Fact]
    public async Task Location_and_Content_Location_are_invalidated_on_the_same_origin_only()
    {
        var time = Time();
        LoopbackServer? server = null;
        server = await LoopbackServer.StartAsync(app => MapItems(
            app,
            time,
            () => 201,
            () => "/items/1",
            () => new Uri($"http://localhost:{server!.BaseAddress.Port}/items/2").ToString()));
        await using var _ = server;
        await using var client = Client(time);
        var one = server.Url("items/1");
        var two = new Uri($"http://localhost:{server.BaseAddress.Port}/items/2"); // another origin: other host name
        var three = server.Url("items/3");
        foreach (var uri in new[] { one, two, three })
        {
            (await GetAsync(client, uri)).Response.Dispose();
        }

        using (var post = await client.Client.PostAsync(server.Url("items"), new StringContent("new")))
        {
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        }

        var (afterOne, _) = await GetAsync(client, one);
        var (afterTwo, _) = await GetAsync(client, two);
        var (afterThree, _) = await GetAsync(client, three);
        Assert.Contains("fwd=uri-miss", Status(afterOne), StringComparison.Ordinal); // same-origin Location
        Assert.Contains("; hit", Status(afterTwo), StringComparison.Ordinal); // cross-origin Content-Location: kept
        Assert.Contains("; hit", Status(afterThree), StringComparison.Ordinal); // unrelated
        afterOne.Dispose();
        afterTwo.Dispose();
        afterThree.Dispose();
    }

    // A change made with credentials invalidates that credential's partition and the anonymous one.
    [Fact]
    public async Task A_change_with_credentials_invalidates_its_partition_and_the_anonymous_one()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapItems(app, time, () => 200, () => null, () => null));
        await using var client = Client(time);
        var items = server.Url("items/");
        void Alice(HttpRequestMessage r) => r.Headers.TryAddWithoutValidation("Authorization", "Bearer alice");
        void Bob(HttpRequestMessage r) => r.Headers.TryAddWithoutValidation("Authorization", "Bearer bob");
        (await GetAsync(client, items, Alice)).Response.Dispose();
        (await GetAsync(client, items, Bob)).Response.Dispose();
        (await GetAsync(client, items)).Response.Dispose();

        var post = new HttpRequestMessage(HttpMethod.Post, server.Url("items/"));
        Alice(post);
        (await client.Client.SendAsync(post)).Dispose();

        var (alice, _) = await GetAsync(client, items, Alice);
        var (bob, _) = await GetAsync(client, items, Bob);
        var (anonymous, _) = await GetAsync(client, items);
        Assert.Contains("fwd=uri-miss", Status(alice), StringComparison.Ordinal);
        Assert.Contains("; hit", Status(bob), StringComparison.Ordinal);
        Assert.Contains("fwd=uri-miss", Status(anonymous), StringComparison.Ordinal);
        alice.Dispose();
        bob.Dispose();
        anonymous.Dispose();
    }

    // The redirect handler sits outside the cache: a stored 301 is followed with no round trip for it.
    [Fact]
    public async Task A_stored_301_is_followed_without_a_round_trip()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/old", (HttpContext context) =>
            {
                context.Response.Headers.Date = Http(time.GetUtcNow());
                context.Response.Headers.CacheControl = "max-age=3600";
                context.Response.Redirect("/new", permanent: true);
            });
            app.MapGet("/new", (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "no-store";
                return "new";
            });
        });
        await using var client = Client(time);

        var (first, firstBody) = await GetAsync(client, server.Url("old"));
        var (second, secondBody) = await GetAsync(client, server.Url("old"));

        Assert.Equal("new", firstBody);
        Assert.Equal("new", secondBody);
        Assert.Equal(server.Url("new"), second.RequestMessage!.RequestUri);
        Assert.Equal(HttpStatusCode.MovedPermanently, Assert.Single(second.GetRedirectHops()).StatusCode);
        Assert.Equal(["/old", "/new", "/new"], server.Requests.Select(r => r.PathAndQuery));
        first.Dispose();
        second.Dispose();
    }
}
