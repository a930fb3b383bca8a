using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// Stored parts (RFC 9111 §3.3-3.4) over real sockets: a range over several gaps fetches the missing bytes with one
/// <c>Range</c> (from the first missing byte to the last, RFC 9110 §14.2) and serves every byte right (SHA-256); a part
/// carrying <c>Content-Digest</c> (RFC 9530 §2, the digest of the part's bytes) is checked before it is stored.
/// </summary>
public sealed class CachePartsTests
{
    private const int Size = 100_000;
    private static readonly byte[] s_content = RandomNumberGenerator.GetBytes(Size);

    /// <summary>
    /// <c>/file</c>: ranges served by ASP.NET Core (strong ETag). <c>/digest</c> and <c>/wrong</c>: one range answered
    /// by hand with a <c>Content-Digest</c> of the part's bytes (<c>/wrong</c>: of other bytes).
    /// </summary>
    private static Task<LoopbackServer> StartOrigin(FakeTimeProvider time) => LoopbackServer.StartAsync(app =>
    {
        app.MapGet("/file", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "max-age=600";
            context.Response.Headers.Date = Http(time.GetUtcNow());
            return Results.Bytes(s_content, "application/octet-stream", enableRangeProcessing: true, entityTag: new EntityTagHeaderValue("\"v1\""));
        });

        async Task Part(HttpContext context, bool wrong)
        {
            var range = context.Request.Headers.Range.ToString()["bytes=".Length..].Split('-');
            var (first, last) = (int.Parse(range[0], CultureInfo.InvariantCulture), int.Parse(range[1], CultureInfo.InvariantCulture));
            var part = s_content[first..(last + 1)];
            var digested = part.ToArray();
            digested[^1] ^= wrong ? (byte)1 : (byte)0;
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.CacheControl = "max-age=600";
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.ETag = "\"d1\"";
            context.Response.Headers.ContentRange = $"bytes {first}-{last}/{Size}";
            context.Response.Headers["Content-Digest"] = "sha-256=:" + Convert.ToBase64String(SHA256.HashData(digested)) + ":";
            context.Response.ContentLength = part.Length;
            await context.Response.Body.WriteAsync(part);
        }

        app.MapGet("/digest", (HttpContext context) => Part(context, wrong: false));
        app.MapGet("/wrong", (HttpContext context) => Part(context, wrong: true));
    });

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Uri uri, string range, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("Range", range);
        return await client.SendAsync(request, completion);
    }

    private static string Sha(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    // RFC 9111 §3.3-3.4 with RFC 9110 §14.2: a range over three gaps between stored parts is one Range request from the
    // first missing byte to the last (the held parts between them asked again: one round trip, never a multipart
    // answer to combine); the combined answer is right byte for byte, and is then held whole.
    [Fact]
    public async Task A_range_over_several_gaps_fetches_them_with_one_range_and_serves_every_byte_right()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("file");
        foreach (var part in (string[])["bytes=0-99", "bytes=200-299", "bytes=400-499"])
        {
            (await SendAsync(client.Client, uri, part)).Dispose();
        }

        server.ClearRequests();
        using (var combined = await SendAsync(client.Client, uri, "bytes=50-649"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, combined.StatusCode);
            Assert.Equal("bytes 50-649/100000", Header(combined, "Content-Range"));
            Assert.Equal(Sha(s_content.AsSpan(50, 600)), Sha(await combined.Content.ReadAsByteArrayAsync()));
        }

        var fetch = Assert.Single(server.Requests);
        Assert.Equal("bytes=100-649", fetch.Header("Range"));
        Assert.Equal("\"v1\"", fetch.Header("If-Range"));
        server.ClearRequests();

        using (var again = await SendAsync(client.Client, uri, "bytes=0-649"))
        {
            Assert.Equal(Sha(s_content.AsSpan(0, 650)), Sha(await again.Content.ReadAsByteArrayAsync()));
            Assert.StartsWith("StatusAwareHttp; hit", Status(again), StringComparison.Ordinal);
        }

        Assert.Empty(server.Requests);
    }

    // RFC 9530 §2: a part whose Content-Digest matches its bytes is stored; the same range is then a hit.
    [Fact]
    public async Task A_part_that_matches_its_Content_Digest_is_stored()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("digest");
        for (var i = 0; i < 2; i++)
        {
            using var response = await SendAsync(client.Client, uri, "bytes=1000-1999");
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal(Sha(s_content.AsSpan(1000, 1000)), Sha(await response.Content.ReadAsByteArrayAsync()));
        }

        Assert.Equal(1, server.CountFor("/digest"));
    }

    // RFC 9530 §2 and §5: a part that does not match its Content-Digest is never stored, and its reader gets the bytes
    // and then an IOException naming the digest, as for a 200; the next request goes to the origin again.
    [Fact]
    public async Task A_part_that_does_not_match_its_Content_Digest_is_not_stored_and_its_reader_fails_at_the_end()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("wrong");

        using (var streamed = await SendAsync(client.Client, uri, "bytes=1000-1999", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.PartialContent, streamed.StatusCode);
            await using var stream = await streamed.Content.ReadAsStreamAsync();
            var buffer = new byte[4096];
            var read = 0;
            var error = await Assert.ThrowsAnyAsync<IOException>(async () =>
            {
                int n;
                while ((n = await stream.ReadAsync(buffer)) > 0)
                {
                    read += n;
                }
            });
            Assert.Equal(1000, read); // every byte handed over; the end is what fails
            Assert.Contains("Content-Digest sha-256", error.Message, StringComparison.Ordinal);
        }

        var buffered = await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(client.Client, uri, "bytes=1000-1999"));
        Assert.Contains("Content-Digest sha-256", buffered.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.CountFor("/wrong"));
        Assert.Contains(client.Logs.GetSnapshot(), l => l.Id.Id == 920);
    }
}
