using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using StatusAwareHttp.Tests.Downloads;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary><c>DownloadToFileAsync</c> through a client with the cache, over real sockets.</summary>
public sealed class CacheDownloadTests
{
    // A second download of a stored file asks the cache first and costs no origin request; the stored parts of a
    // range download serve its bytes again.
    [Fact]
    public async Task A_second_download_of_a_stored_file_costs_no_origin_request()
    {
        var content = new byte[300_000];
        new Random(5).NextBytes(content);
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=600";
            c.Response.Headers.Date = Http(time.GetUtcNow());
            return Results.Bytes(content, "application/octet-stream", enableRangeProcessing: true, entityTag: new EntityTagHeaderValue("\"d1\""));
        }));
        await using var client = Client(time);
        using var dir = new TempDir();

        var first = await client.Client.DownloadToFileAsync(server.Url("/file"), dir.File("a.bin"));
        var second = await client.Client.DownloadToFileAsync(server.Url("/file"), dir.File("b.bin"));

        Assert.Equal(content, await File.ReadAllBytesAsync(dir.File("a.bin")));
        Assert.Equal(content, await File.ReadAllBytesAsync(dir.File("b.bin")));
        Assert.Equal(content.Length, first.Length);
        Assert.Equal(content.Length, second.Length);
        Assert.Equal(1, server.CountFor("/file"));
    }
}
