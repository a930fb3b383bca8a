using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// RFC 9111 §3.3-3.4 on one SQLite file shared by two processes: a part stored by this process is completed by the
/// other, which fetches only the missing bytes; the complete 200 is then served here from the file.
/// </summary>
public sealed class SqliteRangeTests : IDisposable
{
    private static readonly byte[] s_content = RandomNumberGenerator.GetBytes(200_000);

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
}
