using System.Net.Http.Headers;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;
using static StatusAwareHttp.Tests.Infrastructure.CacheGroupOrigin;

namespace StatusAwareHttp.Tests.QueryMethod;

/// <summary>
/// RFC 9111 §4.4 for queries (RFC 10008 §2.7): a non-error response to an unsafe request removes the stored QUERY
/// entries (and POST-as-query entries) of its target URI, whatever their content and credential partition, in the
/// memory store; other URIs' entries stay.
/// </summary>
public sealed class QueryInvalidationTests
{
    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task An_unsafe_request_removes_the_query_entries_of_its_URI(string method)
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => Map(app, time));
        await using var client = Client(time);
        var search = server.Url("search?v=1");
        Assert.EndsWith("#1", await Send(client, Query(search, """{"q":"a"}""")), StringComparison.Ordinal);
        Assert.EndsWith("#2", await Send(client, Query(search, """{"q":"b"}""")), StringComparison.Ordinal);
        Assert.EndsWith("#3", await Send(client, WithCredentials(Query(search, """{"q":"a"}"""))), StringComparison.Ordinal);
        Assert.EndsWith("#4", await Send(client, Marked(search)), StringComparison.Ordinal);
        Assert.EndsWith("#5", await Send(client, Query(server.Url("search?v=2"), """{"q":"a"}""")), StringComparison.Ordinal);
        Assert.EndsWith("#1", await Send(client, Query(search, """{"q":"a"}""")), StringComparison.Ordinal);

        // The change: the queries of /search?v=1 go, in every partition, the POST marked as a query too.
        Assert.Equal("changed", await Send(client, Change(new HttpMethod(method), search)));

        Assert.EndsWith("#6", await Send(client, Query(search, """{"q":"a"}""")), StringComparison.Ordinal);
        Assert.EndsWith("#7", await Send(client, Query(search, """{"q":"b"}""")), StringComparison.Ordinal);
        Assert.EndsWith("#8", await Send(client, WithCredentials(Query(search, """{"q":"a"}"""))), StringComparison.Ordinal);
        Assert.EndsWith("#9", await Send(client, Marked(search)), StringComparison.Ordinal);

        // Another URI's query stays.
        Assert.EndsWith("#5", await Send(client, Query(server.Url("search?v=2"), """{"q":"a"}""")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_response_removes_nothing()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => Map(app, time));
        await using var client = Client(time);
        var search = server.Url("search");
        Assert.EndsWith("#1", await Send(client, Query(search, """{"q":"a"}""")), StringComparison.Ordinal);

        Assert.Equal("changed", await Send(client, Change(HttpMethod.Post, search, status: 500)));
        Assert.Equal("changed", await Send(client, Change(HttpMethod.Delete, search, status: 404)));

        Assert.EndsWith("#1", await Send(client, Query(search, """{"q":"a"}""")), StringComparison.Ordinal);
    }

    private static HttpRequestMessage WithCredentials(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "t");
        return request;
    }

    private static HttpRequestMessage Marked(Uri uri)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent("p") };
        request.MarkAsQuery();
        return request;
    }

    private static async Task<string> Send(TestClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.Client.SendAsync(request);
            return await response.Content.ReadAsStringAsync();
        }
    }
}
