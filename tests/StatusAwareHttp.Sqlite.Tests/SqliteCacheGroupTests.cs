using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Infrastructure.CacheGroupOrigin;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// Cache groups (RFC 9875) and the invalidation of queries (RFC 10008, RFC 9111 §4.4) in the SQLite store: through the
/// file's index of keys by tag (schema 5), seen by another client on the same file, over real sockets against Kestrel.
/// </summary>
public sealed class SqliteCacheGroupTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static TestClient Client(string path) =>
        TestClient.Create(builder: b => b.UseSqliteHttpCache(path, o => o.MemoryFrontLifetime = TimeSpan.Zero), time: TimeProvider.System);

    [Fact]
    public async Task A_group_invalidated_by_a_POST_through_one_client_is_gone_for_another_on_the_same_file()
    {
        var path = _folder.File();
        await using var origin = await LoopbackServer.StartAsync(app => Map(app, TimeProvider.System));
        await using var reader = Client(path);
        await using var writer = Client(path);
        var a = origin.Url("g/a?groups=%22list%22");
        var b = origin.Url("g/b?groups=%22other%22");
        Assert.Equal("a #1", await GetBody(reader.Client, a));
        Assert.Equal("b #1", await GetBody(reader.Client, b));
        await Flush(reader);

        // The other client reads them from the file.
        Assert.Equal("a #1", await GetBody(writer.Client, a));

        // §3: its POST's answer invalidates the group; a safe method's would not.
        await GetBody(writer.Client, origin.Url("g/x?inv=%22list%22"));
        Assert.Equal("a #1", await GetBody(reader.Client, a));
        (await writer.Client.SendAsync(Change(HttpMethod.Post, origin.Url("g/x?inv=%22list%22")))).Dispose();

        Assert.Equal("a #2", await GetBody(reader.Client, a));
        Assert.Equal("b #1", await GetBody(reader.Client, b));
        await Flush(reader);
        Assert.Equal(1, Scalar(path, "SELECT count(*) FROM http_cache_tags WHERE tag LIKE 'group % list'"));
    }

    [Fact]
    public async Task The_app_invalidates_a_group_in_the_file_and_another_origins_group_stays()
    {
        var path = _folder.File();
        await using var one = await LoopbackServer.StartAsync(app => Map(app, TimeProvider.System));
        await using var two = await LoopbackServer.StartAsync(app => Map(app, TimeProvider.System));
        await using (var first = Client(path))
        {
            await GetBody(first.Client, one.Url("g/a?groups=%22g%22"));
            await GetBody(first.Client, two.Url("g/a?groups=%22g%22"));
        }

        await using var second = Client(path);
        var cache = second.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name);
        var groups = await cache.GetEntriesAsync().Select(e => string.Join(",", e.Groups)).ToArrayAsync();
        Assert.Equal(["g", "g"], groups);
        Assert.Equal(1, await cache.InvalidateGroupAsync(one.Url("/"), "g"));
        Assert.Equal("a #2", await GetBody(second.Client, one.Url("g/a?groups=%22g%22")));
        Assert.Equal("a #1", await GetBody(second.Client, two.Url("g/a?groups=%22g%22")));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task An_unsafe_request_through_one_client_removes_the_query_entries_of_its_URI_from_the_file(string method)
    {
        var path = _folder.File();
        await using var origin = await LoopbackServer.StartAsync(app => Map(app, TimeProvider.System));
        await using var reader = Client(path);
        await using var writer = Client(path);
        var search = origin.Url("search");
        Assert.EndsWith("#1", await Send(reader, Query(search, """{"q":"a"}""")), StringComparison.Ordinal);
        Assert.EndsWith("#2", await Send(reader, Query(origin.Url("search?other"), """{"q":"a"}""")), StringComparison.Ordinal);
        await Flush(reader);
        Assert.EndsWith("#1", await Send(writer, Query(search, """{"q":"a"}""")), StringComparison.Ordinal);

        Assert.Equal("changed", await Send(writer, Change(new HttpMethod(method), search)));
        Assert.EndsWith("#3", await Send(reader, Query(search, """{"q":"a"}""")), StringComparison.Ordinal);
        Assert.EndsWith("#2", await Send(reader, Query(origin.Url("search?other"), """{"q":"a"}""")), StringComparison.Ordinal);
    }

    private static async Task Flush(TestClient client) =>
        await client.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name).FlushAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));

    private static async Task<string> Send(TestClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.Client.SendAsync(request);
            return await response.Content.ReadAsStringAsync();
        }
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
