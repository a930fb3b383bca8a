using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;
using static StatusAwareHttp.Tests.Infrastructure.CacheGroupOrigin;

namespace StatusAwareHttp.Tests.CacheGroups;

/// <summary>Cache groups (RFC 9875) end to end over real sockets against a Kestrel origin, in the memory store.</summary>
public sealed class CacheGroupTests
{
    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task An_unsafe_requests_invalidation_removes_the_groups_responses_and_no_others(string method)
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => Map(app, time));
        await using var client = Client(time);
        var a1 = server.Url("g/a1?groups=%22a%22");
        var a2 = server.Url("g/a2?groups=%22b%22,%20%22a%22");
        var b = server.Url("g/b?groups=%22b%22");
        var none = server.Url("g/none");
        foreach (var uri in new[] { a1, a2, b, none })
        {
            await GetBody(client.Client, uri);
        }

        // §3: a non-error response to an unsafe request names the groups it invalidates.
        using (var change = await client.Client.SendAsync(Change(new HttpMethod(method), server.Url("g/elsewhere?inv=%22a%22"))))
        {
            Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        }

        Assert.Equal("a1 #2", await GetBody(client.Client, a1));
        Assert.Equal("a2 #2", await GetBody(client.Client, a2));

        // §2.2.1: no cascade: a2 was also in group b, whose other responses stay.
        Assert.Equal("b #1", await GetBody(client.Client, b));
        Assert.Equal("none #1", await GetBody(client.Client, none));
    }

    [Fact]
    public async Task Invalidation_on_a_safe_method_or_an_error_response_is_ignored()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => Map(app, time));
        await using var client = Client(time);
        var a = server.Url("g/a?groups=%22a%22");
        await GetBody(client.Client, a);

        // §3: ignored on a response to a safe method: a GET, a QUERY.
        await GetBody(client.Client, server.Url("g/other?inv=%22a%22"));
        (await client.Client.SendAsync(Query(server.Url("g/q?inv=%22a%22"), "{}"))).Dispose();

        // RFC 9111 §4.4: only a non-error response invalidates.
        using (var failed = await client.Client.SendAsync(Change(HttpMethod.Post, server.Url("g/x?inv=%22a%22"), status: 500)))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        // Malformed: ignored.
        (await client.Client.SendAsync(Change(HttpMethod.Post, server.Url("g/x?inv=a")))).Dispose();
        Assert.Equal("a #1", await GetBody(client.Client, a));

        // The same POST with a 204 does.
        (await client.Client.SendAsync(Change(HttpMethod.Post, server.Url("g/x?inv=%22a%22"), status: 204))).Dispose();
        Assert.Equal("a #2", await GetBody(client.Client, a));
    }

    [Fact]
    public async Task Another_origins_group_of_the_same_name_is_untouched()
    {
        var time = Time();
        await using var one = await LoopbackServer.StartAsync(app => Map(app, time));
        await using var two = await LoopbackServer.StartAsync(app => Map(app, time));
        await using var client = Client(time);
        await GetBody(client.Client, one.Url("g/x?groups=%22shared%22"));
        await GetBody(client.Client, two.Url("g/x?groups=%22shared%22"));

        // §2.1: a group is the same string and the same origin (here, another port).
        (await client.Client.SendAsync(Change(HttpMethod.Post, one.Url("g/y?inv=%22shared%22")))).Dispose();
        Assert.Equal("x #2", await GetBody(client.Client, one.Url("g/x?groups=%22shared%22")));
        Assert.Equal("x #1", await GetBody(client.Client, two.Url("g/x?groups=%22shared%22")));
    }

    [Fact]
    public async Task Thirty_two_groups_of_thirty_two_characters_are_kept_and_each_invalidates()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => Map(app, time));
        await using var client = Client(time);
        var groups = Enumerable.Range(0, 32).Select(i => i.ToString("00", System.Globalization.CultureInfo.InvariantCulture) + new string('g', 30)).ToArray();
        var uri = server.Url("g/many?groups=" + Uri.EscapeDataString(string.Join(", ", groups.Select(g => "\"" + g + "\""))));
        await GetBody(client.Client, uri);

        var info = await client.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name).GetEntriesAsync().SingleAsync();
        Assert.Equal(groups, info.Groups);

        (await client.Client.SendAsync(Change(HttpMethod.Post, server.Url("g/y?inv=" + Uri.EscapeDataString("\"" + groups[31] + "\""))))).Dispose();
        Assert.Equal("many #2", await GetBody(client.Client, uri));
    }

    [Fact]
    public async Task The_app_invalidates_a_group_and_the_inspection_API_shows_each_entrys_groups()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => Map(app, time));
        await using var client = Client(time);
        var cache = client.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name);
        await GetBody(client.Client, server.Url("g/a?groups=%22news%22,%20%22home%22"));
        await GetBody(client.Client, server.Url("g/b?groups=%22home%22"));
        await GetBody(client.Client, server.Url("g/c"));

        var entries = await cache.GetEntriesAsync().ToDictionaryAsync(e => e.Uri.AbsolutePath, e => string.Join(",", e.Groups));
        Assert.Equal("news,home", entries["/g/a"]);
        Assert.Equal("home", entries["/g/b"]);
        Assert.Equal(string.Empty, entries["/g/c"]);

        // Only the origin of the URI given counts; the group is case-sensitive.
        Assert.Equal(0, await cache.InvalidateGroupAsync(server.Url("/"), "Home"));
        Assert.Equal(0, await cache.InvalidateGroupAsync(new Uri("http://127.0.0.1:1/"), "home"));
        Assert.Equal(2, await cache.InvalidateGroupAsync(server.Url("/any/path"), "home"));
        Assert.Equal(["/g/c"], await cache.GetEntriesAsync().Select(e => e.Uri.AbsolutePath).ToArrayAsync());
    }
}
