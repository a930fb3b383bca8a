using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Testing;
using StatusAwareHttp.Tests.Downloads;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Downloads.DownloadTestData;

namespace StatusAwareHttp.Tests.Digests;

/// <summary>Content-Digest and Repr-Digest (RFC 9530) from Kestrel origins on 127.0.0.1, through the cache and downloads.</summary>
public sealed class DigestEndToEndTests
{
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes(new string('x', 40_000) + "the end");

    private static string Sha256(byte[] body) => "sha-256=:" + Convert.ToBase64String(SHA256.HashData(body)) + ":";

    private static string Sha512(byte[] body) => "sha-512=:" + Convert.ToBase64String(SHA512.HashData(body)) + ":";

    private static Task<LoopbackServer> StartOrigin() => LoopbackServer.StartAsync(app =>
    {
        void Map(string path, string field, Func<byte[], string> digest, byte[] digested) => app.MapGet(path, async (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=600";
            c.Response.Headers[field] = digest(digested);
            c.Response.ContentType = "text/plain";
            await c.Response.Body.WriteAsync(s_body);
        });

        var other = s_body.ToArray();
        other[^1] ^= 1;
        Map("/good", "Content-Digest", Sha256, s_body);
        Map("/good-repr", "Repr-Digest", Sha512, s_body);
        Map("/bad-content", "Content-Digest", Sha256, other);
        Map("/bad-repr", "Repr-Digest", Sha512, other);
        Map("/unknown-algorithm", "Content-Digest", _ => "md5=:Sd/dVLAcvNLSq16eXua5uQ==:", s_body);
    });

    private static async Task<(Exception? Error, int Read)> ReadWhole(HttpClient client, Uri uri)
    {
        using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[8192];
        var total = 0;
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                total += n;
            }

            return (null, total);
        }
        catch (IOException ex)
        {
            return (ex, total);
        }
    }

    [Theory]
    [InlineData("/good")]
    [InlineData("/good-repr")]
    [InlineData("/unknown-algorithm")]
    public async Task A_body_that_matches_its_digest_is_stored(string path)
    {
        await using var origin = await StartOrigin();
        await using var test = TestClient.Create();

        var first = await ReadWhole(test.Client, origin.Url(path));
        Assert.Null(first.Error);
        Assert.Equal(s_body.Length, first.Read);
        Assert.Equal(s_body, await test.Client.GetByteArrayAsync(origin.Url(path)));
        Assert.Equal(1, origin.CountFor(path));
    }

    [Theory]
    [InlineData("/bad-content", "Content-Digest sha-256")]
    [InlineData("/bad-repr", "Repr-Digest sha-512")]
    public async Task A_body_that_does_not_match_is_not_stored_and_its_reader_fails_at_the_end(string path, string digest)
    {
        await using var origin = await StartOrigin();
        await using var test = TestClient.Create();

        var first = await ReadWhole(test.Client, origin.Url(path));
        var error = Assert.IsAssignableFrom<IOException>(first.Error);
        Assert.Contains(digest, error.Message, StringComparison.Ordinal);
        Assert.Equal(s_body.Length, first.Read); // every byte was handed over; the end is what fails

        // Not stored: the next request goes to the origin again, and fails the same way (buffered by HttpClient here).
        var buffered = await Assert.ThrowsAsync<HttpRequestException>(() => test.Client.GetByteArrayAsync(origin.Url(path)));
        Assert.Contains(digest, buffered.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal(2, origin.CountFor(path));
        Assert.Contains(test.Logs.GetSnapshot(), l => l.Id.Id == 920 && l.Message.Contains(digest, StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_VerifyDigests_off_a_wrong_digest_is_not_checked()
    {
        await using var origin = await StartOrigin();
        await using var test = TestClient.Create(o => o.Cache.VerifyDigests = false);

        Assert.Equal(s_body, await test.Client.GetByteArrayAsync(origin.Url("/bad-content")));
        Assert.Equal(s_body, await test.Client.GetByteArrayAsync(origin.Url("/bad-content")));
        Assert.Equal(1, origin.CountFor("/bad-content"));
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "sha-256=10, sha-512=3")]
    public async Task WantReprDigest_asks_the_origin_for_a_digest(bool want, string? expected)
    {
        await using var origin = await StartOrigin();
        await using var test = TestClient.Create(o => o.Cache.WantReprDigest = want);

        await test.Client.GetByteArrayAsync(origin.Url("/good"));
        Assert.Equal(expected, Assert.Single(origin.Requests).Header("Want-Repr-Digest"));
    }

    private sealed class CutOrigin
    {
        public int Calls;
        private long _clientBytes;

        public bool ClientHas(long bytes) => Volatile.Read(ref _clientBytes) >= bytes;

        public DownloadOptions Options(int maxRetries = 0, FakeLogger? logger = null) => new()
        {
            Progress = new InlineProgress(p => Volatile.Write(ref _clientBytes, p.BytesDownloaded)),
            ProgressInterval = TimeSpan.Zero,
            MaxRetries = maxRetries,
            RetryDelay = TimeSpan.Zero,
            MaxRetryDelay = TimeSpan.Zero,
            Logger = logger,
        };
    }

    /// <summary>A first run cut at <paramref name="cut"/> bytes leaves a partial file and its sidecar; then one of its bytes is flipped on disk.</summary>
    private static async Task<string> PartialFileFlipped(LoopbackServer server, CutOrigin origin, TempDir dir, int cut)
    {
        var path = dir.File("file.bin");
        using (var first = new HttpClient())
        {
            await Assert.ThrowsAnyAsync<IOException>(() => first.DownloadToFileAsync(server.Url("/file"), path, origin.Options()));
        }

        Assert.Equal(cut, new FileInfo(path).Length);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[cut / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    [Fact]
    public async Task A_resumed_download_that_does_not_match_its_Repr_Digest_restarts_once_from_zero()
    {
        var content = Content(300_000);
        var origin = new CutOrigin();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", async (HttpContext context) =>
        {
            context.Response.Headers["Repr-Digest"] = Sha256(content);
            if (Interlocked.Increment(ref origin.Calls) == 1)
            {
                await CutAsync(context, content, 100_000, origin.ClientHas);
                return;
            }

            await KestrelFile(content).ExecuteAsync(context);
        }));
        using var dir = new TempDir();
        var path = await PartialFileFlipped(server, origin, dir, 100_000);
        var logger = new FakeLogger();

        using var second = new HttpClient();
        var result = await second.DownloadToFileAsync(server.Url("/file"), path, origin.Options(logger: logger));

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(1, result.Resumes);
        Assert.Equal(1, result.Restarts);
        Assert.Equal("bytes=100000-", server.Requests[1].Header("Range"));
        Assert.Null(server.Requests[2].Header("Range")); // from byte 0
        Assert.Equal(3, server.Requests.Count);
        Assert.Contains(logger.Collector.GetSnapshot(), l => l.Id.Id == 921);
    }

    [Fact]
    public async Task A_download_that_still_does_not_match_after_the_restart_fails()
    {
        var content = Content(300_000);
        var wrong = Content(300_000, seed: 2);
        var origin = new CutOrigin();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/file", async (HttpContext context) =>
        {
            context.Response.Headers["Repr-Digest"] = Sha256(wrong);
            if (Interlocked.Increment(ref origin.Calls) == 1)
            {
                await CutAsync(context, content, 100_000, origin.ClientHas);
                return;
            }

            await KestrelFile(content).ExecuteAsync(context);
        }));
        using var dir = new TempDir();
        var path = dir.File("file.bin");
        using (var first = new HttpClient())
        {
            await Assert.ThrowsAnyAsync<IOException>(() => first.DownloadToFileAsync(server.Url("/file"), path, origin.Options()));
        }

        using var second = new HttpClient();
        var thrown = await Assert.ThrowsAsync<DownloadException>(() => second.DownloadToFileAsync(server.Url("/file"), path, origin.Options()));

        Assert.Equal(DownloadFailureReason.DigestMismatch, thrown.Reason);
        Assert.Contains("Repr-Digest sha-256", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count); // the cut, the resume, one restart from zero: no more
    }
}
