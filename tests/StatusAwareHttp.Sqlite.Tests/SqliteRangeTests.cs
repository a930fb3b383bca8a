using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Net.Http.Headers;
using StatusAwareHttp.Sqlite.Internal;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// RFC 9111 §3.3-3.4 on one SQLite file shared by two processes: a part stored by this process is completed by the
/// other, which fetches only the missing bytes; the complete 200 is then served here from the file.
/// </summary>
public sealed class SqliteRangeTests : IDisposable
{
    private const int Chunk = 64 * 1024;

    private static readonly byte[] s_content = RandomNumberGenerator.GetBytes(200_000);

    private static readonly byte[] s_large = RandomNumberGenerator.GetBytes(30 * 1024 * 1024);

    private readonly SqliteTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_part_stored_here_is_completed_by_another_process_and_served_whole_here()
    {
        await using var origin = await LoopbackServer.StartAsync(app => app.MapGet("/file", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=3600";
            return Results.Bytes(s_content, "application/octet-stream", enableRangeProcessing: true, entityTag: new EntityTagHeaderValue("\"s1\""));
        }));
        await using var local = TestClient.Create(builder: b => b.UseSqliteHttpCache(_folder.File(), o => o.MemoryFrontLifetime = TimeSpan.Zero));
        var url = origin.Url("/file");

        using (var request = new HttpRequestMessage(HttpMethod.Get, url))
        {
            request.Headers.TryAddWithoutValidation("Range", "bytes=0-99999");
            using var first = await local.Client.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.PartialContent, first.StatusCode);
        }

        await local.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name).FlushAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        origin.ClearRequests();

        // The other process asks for all of it: only the second half goes to the origin; every byte is right.
        var run = (await PeerProcess.RunAsync("get-range", _folder.File(), url.ToString(), "bytes=0-")).AssertUnlocked();
        Assert.Equal("206", run.Value("status"));
        Assert.Equal("bytes 0-199999/200000", run.Value("content-range"));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(s_content)), run.Value("sha256"));
        var fetch = Assert.Single(origin.Requests);
        Assert.Equal("bytes=100000-199999", fetch.Header("Range"));
        Assert.Equal("\"s1\"", fetch.Header("If-Range"));
        origin.ClearRequests();

        // Complete now: a plain GET here is a 200 from the file.
        using var whole = await local.Client.GetAsync(url);
        Assert.Equal(System.Net.HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(s_content, await whole.Content.ReadAsByteArrayAsync());
        Assert.Contains("hit", string.Join(",", whole.Headers.GetValues("Cache-Status")), StringComparison.Ordinal);
        Assert.Empty(origin.Requests);
    }

    [Fact]
    public async Task A_range_of_a_large_entry_reads_only_the_chunks_it_touches_each_checked_by_its_digest()
    {
        var served = 0;
        await using var origin = await LoopbackServer.StartAsync(app => app.MapGet("/large", (HttpContext c) =>
        {
            Interlocked.Increment(ref served);
            c.Response.Headers.CacheControl = "max-age=3600";
            return Results.Bytes(s_large, "application/octet-stream", enableRangeProcessing: true, entityTag: new EntityTagHeaderValue("\"l1\""));
        }));
        await using var client = TestClient.Create(
            configure: o => o.Cache.MaxEntryBytes = 64 * 1024 * 1024,
            builder: b => b.UseSqliteHttpCache(_folder.File(), o => o.MemoryFrontLifetime = TimeSpan.Zero));
        var url = origin.Url("/large");
        using (var whole = await client.Client.GetAsync(url))
        {
            Assert.Equal(s_large.Length, (await whole.Content.ReadAsByteArrayAsync()).Length);
        }

        await client.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name).FlushAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        var store = (SqliteHttpCacheStore)client.Services.GetRequiredKeyedService<IHttpCacheStore>(TestClient.Name);

        // 1 MiB from the middle, not on a chunk boundary: 17 chunks of 64 KiB read, never the 30 MiB.
        const int First = (200 * Chunk) + 1000;
        const int Count = 1024 * 1024;
        var before = store.BodyBytesRead;
        var (status, bytes, cacheStatus) = await GetRangeAsync(client, url, $"bytes={First}-{First + Count - 1}");
        var read = store.BodyBytesRead - before;
        Assert.Equal(System.Net.HttpStatusCode.PartialContent, status);
        Assert.Equal(SHA256.HashData(s_large.AsSpan(First, Count)), SHA256.HashData(bytes));
        Assert.Contains("hit", cacheStatus, StringComparison.Ordinal);
        Assert.Equal(17 * Chunk, read);
        Assert.Equal(1, served);

        // One byte changed on disk outside the range: the range is still served (only the chunks it touches are
        // checked); a range that touches it is a miss with a warning, served by the origin, and the entry removed.
        FlipByteOfLargestBody(_folder.File(), 100 * Chunk);
        (status, bytes, cacheStatus) = await GetRangeAsync(client, url, $"bytes={First}-{First + Count - 1}");
        Assert.Equal(SHA256.HashData(s_large.AsSpan(First, Count)), SHA256.HashData(bytes));
        Assert.Contains("hit", cacheStatus, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Logs.GetSnapshot(), r => r.Id.Id == 713);

        (status, bytes, cacheStatus) = await GetRangeAsync(client, url, $"bytes={100 * Chunk}-{(101 * Chunk) - 1}");
        Assert.Equal(System.Net.HttpStatusCode.PartialContent, status);
        Assert.Equal(s_large.AsSpan(100 * Chunk, Chunk).ToArray(), bytes);
        Assert.DoesNotContain("hit", cacheStatus, StringComparison.Ordinal);
        Assert.Equal(2, served);
        Assert.Single(client.Logs.GetSnapshot(), r => r.Id.Id == 713);
    }

    // RFC 9111 §3.3-3.4, issue's download case: a download cut half-way here leaves the bytes received as a part in the
    // file; another process resuming it (the same target, its sidecar) fetches only the rest from the origin, and the
    // cache then holds the whole representation: a third download costs the origin nothing.
    [Fact]
    public async Task A_download_cut_here_and_resumed_by_another_process_fetches_only_the_rest()
    {
        const int Half = 100_000; // of 200,000
        var sent = 0L;
        var cut = 1;
        await using var origin = await LoopbackServer.StartAsync(app => app.MapGet("/dl", async (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=3600";
            c.Response.Headers.ETag = "\"d1\"";
            var (first, last) = (0, s_content.Length - 1);
            if (c.Request.Headers.Range.ToString() is { Length: > 0 } range && (c.Request.Headers.IfRange.Count == 0 || c.Request.Headers.IfRange == "\"d1\""))
            {
                var bounds = range["bytes=".Length..].Split('-');
                first = int.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture);
                last = bounds[1].Length > 0 ? int.Parse(bounds[1], System.Globalization.CultureInfo.InvariantCulture) : last;
                c.Response.StatusCode = StatusCodes.Status206PartialContent;
                c.Response.Headers.ContentRange = $"bytes {first}-{last}/{s_content.Length}";
            }

            c.Response.ContentLength = last - first + 1;
            if (Interlocked.Exchange(ref cut, 0) == 1)
            {
                // The first answer stops half-way: the connection is cut.
                await c.Response.Body.WriteAsync(s_content.AsMemory(0, Half));
                await c.Response.Body.FlushAsync();
                Interlocked.Add(ref sent, Half);
                c.Abort();
                return;
            }

            await c.Response.Body.WriteAsync(s_content.AsMemory(first, last - first + 1));
            Interlocked.Add(ref sent, last - first + 1);
        }));
        var url = origin.Url("/dl");
        var target = Path.Combine(_folder.Path, "download.bin");
        await using (var here = TestClient.Create(builder: b => b.UseSqliteHttpCache(_folder.File(), o => o.MemoryFrontLifetime = TimeSpan.Zero)))
        {
            await Assert.ThrowsAnyAsync<IOException>(() => here.Client.DownloadToFileAsync(url, target, new DownloadOptions { MaxRetries = 0 }));
            await here.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name).FlushAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        }

        // What the download wrote before the cut (the reset may drop bytes that were on their way), and what the
        // cache kept: the start of the representation, as a part.
        Assert.Equal(Half, Interlocked.Read(ref sent));
        var written = new FileInfo(target).Length;
        Assert.InRange(written, 1, Half);
        origin.ClearRequests();

        var run = (await PeerProcess.RunAsync("download", _folder.File(), url.ToString(), target)).AssertUnlocked();
        Assert.Equal(Convert.ToHexString(SHA256.HashData(s_content)), run.Value("sha256"));
        Assert.Equal(written.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Value("start"));

        // The other process asked its cache for the rest (Range from the bytes written, with If-Range); the cache
        // asked the origin only for what the part does not hold, with If-Range.
        var resume = Assert.Single(origin.Requests);
        var from = long.Parse(resume.Header("Range")!["bytes=".Length..].Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(from, written, Half);
        Assert.Equal("\"d1\"", resume.Header("If-Range"));
        Assert.Equal(Half + s_content.Length - from, Interlocked.Read(ref sent));

        // The file's cache holds every byte now (the part cut here and the rest fetched there): a new download is free.
        await using var third = TestClient.Create(builder: b => b.UseSqliteHttpCache(_folder.File(), o => o.MemoryFrontLifetime = TimeSpan.Zero));
        var again = Path.Combine(_folder.Path, "again.bin");
        await third.Client.DownloadToFileAsync(url, again, new DownloadOptions { MaxRetries = 0 });
        Assert.Equal(s_content, await File.ReadAllBytesAsync(again));
        Assert.Equal(s_content.Length, Interlocked.Read(ref sent));
    }

    private static async Task<(System.Net.HttpStatusCode Status, byte[] Bytes, string CacheStatus)> GetRangeAsync(TestClient client, Uri url, string range)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await client.Client.SendAsync(request);
        var cacheStatus = response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(",", values) : "";
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), cacheStatus);
    }

    /// <summary>Flips byte <paramref name="at"/> of the largest stored body, in a transaction of another connection.</summary>
    private static void FlipByteOfLargestBody(string path, int at)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var find = connection.CreateCommand();
        find.CommandText = "SELECT id FROM http_cache_bodies ORDER BY length(body) DESC LIMIT 1";
        using var blob = new SqliteBlob(connection, "http_cache_bodies", "body", (long)find.ExecuteScalar()!);
        var one = new byte[1];
        blob.Position = at;
        blob.ReadExactly(one);
        one[0] ^= 0x20;
        blob.Position = at;
        blob.Write(one);
    }
}
