using System.Net.Http.Headers;
using System.Text;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// What the other stores do, through the cache handler over real sockets: Vary variants, credential partitions
/// (hashed in the file), invalidation by unsafe methods, Cache-Status saying the entry came from disk, large bodies.
/// Each check reads from a second app instance on the same file, so it is the file that answers.
/// </summary>
public sealed class SqliteEndToEndTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private TestClient Client(bool front = false) =>
        TestClient.Create(builder: b => b.UseSqliteHttpCache(_folder.File(), o => o.MemoryFrontLifetime = front ? TimeSpan.FromSeconds(30) : TimeSpan.Zero));

    private static async Task<string> GetAsync(TestClient client, Uri uri, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        headers?.Invoke(request.Headers);
        using var response = await client.Client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Vary_variants_are_kept_side_by_side_and_each_served_from_the_file()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        await using (var first = Client())
        {
            Assert.Equal("lang=en", await GetAsync(first, origin.Url("/lang"), h => h.AcceptLanguage.ParseAdd("en")));
            Assert.Equal("lang=fr", await GetAsync(first, origin.Url("/lang"), h => h.AcceptLanguage.ParseAdd("fr")));
        }

        await using var second = Client();
        Assert.Equal("lang=en", await GetAsync(second, origin.Url("/lang"), h => h.AcceptLanguage.ParseAdd("en")));
        Assert.Equal("lang=fr", await GetAsync(second, origin.Url("/lang"), h => h.AcceptLanguage.ParseAdd("fr")));
        Assert.Equal(2, origin.CountFor("/lang"));
        Assert.Equal("lang=de", await GetAsync(second, origin.Url("/lang"), h => h.AcceptLanguage.ParseAdd("de")));
        Assert.Equal(3, origin.CountFor("/lang"));
    }

    [Fact]
    public async Task Each_credential_gets_its_own_entry_and_the_file_never_holds_the_credential()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        await using (var first = Client())
        {
            Assert.Equal("for alice-secret-token", await GetAsync(first, origin.Url("/mine"), h => h.Authorization = new("Bearer", "alice-secret-token")));
            Assert.Equal("for bob-secret-token", await GetAsync(first, origin.Url("/mine"), h => h.Authorization = new("Bearer", "bob-secret-token")));
        }

        await using var second = Client();
        Assert.Equal("for alice-secret-token", await GetAsync(second, origin.Url("/mine"), h => h.Authorization = new("Bearer", "alice-secret-token")));
        Assert.Equal("for bob-secret-token", await GetAsync(second, origin.Url("/mine"), h => h.Authorization = new("Bearer", "bob-secret-token")));
        Assert.Equal(2, origin.CountFor("/mine"));
        await second.DisposeAsync();

        // The keys carry a hash of the credential: the token appears only where the origin echoed it in a body.
        var bytes = Concat(_folder.File(), _folder.File() + "-wal");
        foreach (var token in (string[])["alice-secret-token", "bob-secret-token"])
        {
            var needle = Encoding.ASCII.GetBytes(token);
            var found = 0;
            for (var at = bytes.AsSpan().IndexOf(needle); at >= 0; at = Next(bytes, needle, at))
            {
                found++;
                Assert.Equal("for ", Encoding.ASCII.GetString(bytes, at - 4, 4));
            }

            Assert.True(found > 0, "the body should be in the file");
        }
    }

    [Fact]
    public async Task An_unsafe_method_invalidates_the_entry_in_the_file_for_the_next_instance()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        await using (var first = Client())
        {
            Assert.Equal("v0", await GetAsync(first, origin.Url("/item")));
            using var post = await first.Client.PostAsync(origin.Url("/item"), new StringContent("change"));
            post.EnsureSuccessStatusCode();
        }

        await using var second = Client();
        Assert.Equal("v1", await GetAsync(second, origin.Url("/item")));
        // GET (stored), POST (invalidates), GET (from the origin again).
        Assert.Equal(3, origin.CountFor("/item"));
    }

    [Fact]
    public async Task Cache_status_says_disk_for_a_hit_from_the_file_and_nothing_for_a_hit_from_the_front()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        await using (var first = Client(front: true))
        {
            await GetAsync(first, origin.Url("/item"));
        }

        await using var second = Client(front: true);
        using (var fromFile = await second.Client.GetAsync(origin.Url("/item")))
        {
            Assert.Matches("^StatusAwareHttp; hit; ttl=\\d+; detail=disk$", string.Join(", ", fromFile.Headers.GetValues("Cache-Status")));
        }

        using var fromFront = await second.Client.GetAsync(origin.Url("/item"));
        Assert.Matches("^StatusAwareHttp; hit; ttl=\\d+$", string.Join(", ", fromFront.Headers.GetValues("Cache-Status")));
        Assert.Equal(1, origin.CountFor("/item"));
    }

    [Fact]
    public async Task A_large_body_goes_through_blob_io_and_comes_back_byte_for_byte()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        await using (var first = Client())
        {
            using var stored = await first.Client.GetAsync(origin.Url("/big"));
            Assert.Equal(SqliteOrigin.Big, await stored.Content.ReadAsByteArrayAsync());
        }

        await using var second = Client();
        using var served = await second.Client.GetAsync(origin.Url("/big"));
        Assert.Equal(SqliteOrigin.Big, await served.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, origin.CountFor("/big"));
        Assert.True(SqliteOrigin.BigBytes > StatusAwareHttp.Sqlite.Internal.SqliteSession.StreamThreshold);
    }

    private static byte[] Concat(params string[] paths) => [.. paths.Where(File.Exists).SelectMany(File.ReadAllBytes)];

    private static int Next(byte[] haystack, byte[] needle, int at)
    {
        var next = haystack.AsSpan(at + 1).IndexOf(needle);
        return next < 0 ? -1 : at + 1 + next;
    }
}
