using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Downloads;

/// <summary>
/// The download overloads as a user writes them: each call below must compile (a <see langword="null"/> progress or
/// options argument is not ambiguous), and runs over real sockets.
/// </summary>
public sealed class DownloadOverloadTests
{
    [Fact]
    public async Task Null_for_progress_or_options_compiles_and_downloads()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/f", () => Results.Bytes(new byte[1000], "application/octet-stream")));
        using var dir = new TempDir();
        using var client = new HttpClient();
        var uri = server.Url("/f");
        var ct = CancellationToken.None;
        using var stream = new MemoryStream();

        var results = new[]
        {
            await client.DownloadToFileAsync(uri, dir.File("a"), null, ct),
            await client.DownloadToFileAsync(uri, dir.File("b"), null),
            await client.DownloadToFileAsync(uri, dir.File("c"), progress: null, ct),
            await client.DownloadToFileAsync(uri, dir.File("d"), new DownloadOptions(), ct),
            await client.DownloadToFileAsync(uri, dir.File("e"), cancellationToken: ct),
            await client.DownloadToStreamAsync(uri, stream, null, ct),
            await client.DownloadToStreamAsync(uri, stream, null),
        };

        Assert.All(results, r => Assert.Equal(1000, r.Length));
    }
}
