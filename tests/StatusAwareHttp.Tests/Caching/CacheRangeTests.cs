using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// End to end over real sockets: range requests (RFC 9110 §14, If-Range §13.1.5) answered from a stored complete 200,
/// against a Kestrel origin that serves ranges itself (ASP.NET Core's range processing), with a strong ETag and
/// Last-Modified, or a weak ETag only. Every body served is checked byte for byte (SHA-256) against the origin's own
/// answer to the same request.
/// </summary>
public sealed class CacheRangeTests
{
    private const int Size = 100_000;
    private static readonly byte[] s_content = MakeContent();
    private static readonly DateTimeOffset s_modified = Start.AddDays(-30);

    private static byte[] MakeContent()
    {
        var bytes = new byte[Size];
        new Random(27).NextBytes(bytes);
        return bytes;
    }

    /// <summary>An origin of <c>/file</c> (strong ETag "v1" and Last-Modified) and <c>/weak</c> (weak ETag only), fresh for 10 minutes.</summary>
    private static Task<LoopbackServer> StartOrigin(FakeTimeProvider time) => LoopbackServer.StartAsync(app =>
    {
        app.MapGet("/file", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "max-age=600";
            context.Response.Headers.Date = Http(time.GetUtcNow());
            return Results.Bytes(s_content, "application/octet-stream", enableRangeProcessing: true, lastModified: s_modified, entityTag: new EntityTagHeaderValue("\"v1\""));
        });
        app.MapGet("/weak", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "max-age=600";
            context.Response.Headers.Date = Http(time.GetUtcNow());
            return Results.Bytes(s_content, "application/octet-stream", enableRangeProcessing: true, entityTag: new EntityTagHeaderValue("\"w1\"", isWeak: true));
        });
    });

    /// <summary>An origin of <c>/doc</c> whose representation (and strong ETag) is <paramref name="version"/>'s current value.</summary>
    private static Task<LoopbackServer> StartVersioned(FakeTimeProvider time, StrongBox<int> version) => LoopbackServer.StartAsync(app =>
        app.MapGet("/doc", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "max-age=600";
            context.Response.Headers.Date = Http(time.GetUtcNow());
            var v = version.Value;
            return Results.Bytes(Version(v), "application/octet-stream", enableRangeProcessing: true, entityTag: new EntityTagHeaderValue($"\"v{v}\""));
        }));

    private static byte[] Version(int v)
    {
        var bytes = new byte[Size];
        new Random(v).NextBytes(bytes);
        return bytes;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Uri uri, string? range, string? ifRange = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        if (ifRange is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Range", ifRange);
        }

        return await client.SendAsync(request);
    }

    /// <summary>What the origin itself answers, asked without the cache: status, Content-Range and the body's SHA-256.</summary>
    private static async Task<(HttpStatusCode Status, string? ContentRange, string Sha)> OriginAnswer(Uri uri, string range, string? ifRange = null)
    {
        using var plain = new HttpClient();
        using var response = await SendAsync(plain, uri, range, ifRange);
        return (response.StatusCode, Header(response, "Content-Range"), Sha(await response.Content.ReadAsByteArrayAsync()));
    }

    private static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    // §14.1.2: each form of a single byte range, served from the stored 200 with no origin request, equal to the origin's 206.
    [Theory]
    [InlineData("bytes=0-99", 0, 99)] // first-last
    [InlineData("bytes=1000-1999", 1000, 1999)]
    [InlineData("bytes=99000-", 99000, 99999)] // first-
    [InlineData("bytes=-5000", 95000, 99999)] // suffix
    [InlineData("bytes=-200000", 0, 99999)] // suffix longer than the representation
    [InlineData("bytes=90000-1000000", 90000, 99999)] // last-pos past the end
    [InlineData("bytes=99999-99999", 99999, 99999)]
    public async Task Each_range_form_is_served_from_the_stored_200(string range, long first, long last)
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("file");
        using (var full = await SendAsync(client.Client, uri, range: null))
        {
            Assert.Equal(Sha(s_content), Sha(await full.Content.ReadAsByteArrayAsync()));
        }

        var origin = await OriginAnswer(uri, range);
        server.ClearRequests();
        time.Advance(TimeSpan.FromSeconds(5));

        using var response = await SendAsync(client.Client, uri, range);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.PartialContent, origin.Status);
        Assert.Equal($"bytes {first}-{last}/{Size}", Header(response, "Content-Range")); // §14.4
        Assert.Equal(origin.ContentRange, Header(response, "Content-Range"));
        Assert.Equal((last - first + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "Content-Length"));
        Assert.Equal(origin.Sha, Sha(body)); // byte for byte what the origin sends for the range
        Assert.Equal("\"v1\"", Header(response, "ETag")); // §15.3.7.1: the stored fields come along
        Assert.Equal("application/octet-stream", Header(response, "Content-Type"));
        Assert.Equal("5", Header(response, "Age"));
        Assert.Equal("StatusAwareHttp; hit; ttl=595", Status(response));
        Assert.Empty(server.Requests);
    }

    // §14.1.1, §15.5.17: no satisfiable range is a 416 with the current length, from storage.
    [Fact]
    public async Task An_unsatisfiable_range_is_a_416_from_storage()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("file");
        (await SendAsync(client.Client, uri, range: null)).Dispose();
        var origin = await OriginAnswer(uri, "bytes=100000-");
        server.ClearRequests();

        using var response = await SendAsync(client.Client, uri, "bytes=100000-");
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal(origin.Status, response.StatusCode);
        Assert.Equal("bytes */100000", Header(response, "Content-Range"));
        Assert.Equal(origin.ContentRange, Header(response, "Content-Range"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("StatusAwareHttp; hit", Status(response), StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    // §13.1.5: If-Range with the stored strong validator gets the range; any other gets the whole representation; both
    // from storage, equal to what the origin answers.
    [Theory]
    [InlineData("\"v1\"", HttpStatusCode.PartialContent)]
    [InlineData("\"v0\"", HttpStatusCode.OK)] // another representation
    [InlineData("W/\"v1\"", HttpStatusCode.OK)] // a weak tag never matches
    [InlineData("Mon, 02 Dec 2024 00:00:00 GMT", HttpStatusCode.PartialContent)] // the stored Last-Modified, strong (§8.8.2.2)
    [InlineData("Sun, 01 Dec 2024 00:00:00 GMT", HttpStatusCode.OK)] // exact match only
    public async Task If_Range_selects_the_range_or_the_whole_representation(string ifRange, HttpStatusCode expected)
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("file");
        (await SendAsync(client.Client, uri, range: null)).Dispose();
        var origin = await OriginAnswer(uri, "bytes=10-19", ifRange);
        server.ClearRequests();

        using var response = await SendAsync(client.Client, uri, "bytes=10-19", ifRange);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(origin.Status, response.StatusCode);
        Assert.Equal(origin.Sha, Sha(await response.Content.ReadAsByteArrayAsync()));
        Assert.StartsWith("StatusAwareHttp; hit", Status(response), StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    // Several ranges are answered with the whole representation (§14.2: a server MAY ignore Range), from storage.
    [Fact]
    public async Task Several_ranges_get_the_whole_representation_from_storage()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("file");
        (await SendAsync(client.Client, uri, range: null)).Dispose();
        server.ClearRequests();

        using var response = await SendAsync(client.Client, uri, "bytes=0-9,20-29");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Sha(s_content), Sha(await response.Content.ReadAsByteArrayAsync()));
        Assert.Null(Header(response, "Content-Range"));
        Assert.Empty(server.Requests);
    }

    // An origin with weak ETags only: a range of the stored 200 is still served (no validator needed without If-Range),
    // and an If-Range with the weak tag gets the whole representation (§13.1.5).
    [Fact]
    public async Task A_weak_only_origin_is_served_ranges_and_whole_on_a_weak_If_Range()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("weak");
        (await SendAsync(client.Client, uri, range: null)).Dispose();
        var origin = await OriginAnswer(uri, "bytes=-10");
        server.ClearRequests();

        using (var ranged = await SendAsync(client.Client, uri, "bytes=-10"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, ranged.StatusCode);
            Assert.Equal(origin.Sha, Sha(await ranged.Content.ReadAsByteArrayAsync()));
            Assert.Equal("bytes 99990-99999/100000", Header(ranged, "Content-Range"));
        }

        using var weak = await SendAsync(client.Client, uri, "bytes=-10", "W/\"w1\"");
        Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
        Assert.Equal(Sha(s_content), Sha(await weak.Content.ReadAsByteArrayAsync()));
        Assert.Empty(server.Requests);
    }

    // A stale stored 200: the range request goes to the origin as it came.
    [Fact]
    public async Task A_stale_stored_200_sends_the_range_to_the_origin()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("file");
        (await SendAsync(client.Client, uri, range: null)).Dispose();
        time.Advance(TimeSpan.FromSeconds(601));
        server.ClearRequests();

        using var stale = await SendAsync(client.Client, uri, "bytes=0-9");
        Assert.Equal(HttpStatusCode.PartialContent, stale.StatusCode);
        Assert.Equal(Sha(s_content[..10]), Sha(await stale.Content.ReadAsByteArrayAsync()));
        Assert.Equal("bytes=0-9", Assert.Single(server.Requests).Header("Range"));
    }

    // §14.2: a range unit the cache does not know is the origin's to read: the request goes there as it came.
    [Fact]
    public async Task An_unknown_range_unit_goes_to_the_origin()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("file");
        (await SendAsync(client.Client, uri, range: null)).Dispose();
        server.ClearRequests();

        using var response = await SendAsync(client.Client, uri, "items=0-1");
        Assert.Equal("items=0-1", Assert.Single(server.Requests).Header("Range"));
        Assert.DoesNotContain("hit", Status(response) ?? string.Empty, StringComparison.Ordinal);
    }

    // RFC 9111 §3.3-3.4: 206 parts with a strong validator are stored and combined; a range they hold is served from
    // them; a range partly held fetches only the missing middle, with one Range and If-Range; never the whole GET.
    [Fact]
    public async Task Parts_are_stored_combined_and_a_missing_middle_fetched_with_one_range()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("file");

        (await SendAsync(client.Client, uri, "bytes=0-99")).Dispose(); // stored as a part
        using (var held = await SendAsync(client.Client, uri, "bytes=10-49"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, held.StatusCode);
            Assert.Equal("bytes 10-49/100000", Header(held, "Content-Range"));
            Assert.Equal(Sha(s_content[10..50]), Sha(await held.Content.ReadAsByteArrayAsync()));
            Assert.StartsWith("StatusAwareHttp; hit", Status(held), StringComparison.Ordinal);
        }

        Assert.Equal(1, server.CountFor("/file"));
        (await SendAsync(client.Client, uri, "bytes=200-299")).Dispose(); // a second part
        server.ClearRequests();

        using (var combined = await SendAsync(client.Client, uri, "bytes=0-299"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, combined.StatusCode);
            Assert.Equal("bytes 0-299/100000", Header(combined, "Content-Range"));
            Assert.Equal("300", Header(combined, "Content-Length"));
            Assert.Equal((await OriginAnswer(uri, "bytes=0-299")).Sha, Sha(await combined.Content.ReadAsByteArrayAsync()));
            Assert.Equal("StatusAwareHttp; fwd=partial; fwd-status=206; ttl=600; stored", Status(combined));
        }

        var fetch = server.Requests[0];
        Assert.Equal("bytes=100-199", fetch.Header("Range")); // only the missing middle
        Assert.Equal("\"v1\"", fetch.Header("If-Range"));
        server.ClearRequests();

        using (var again = await SendAsync(client.Client, uri, "bytes=0-299"))
        {
            Assert.Equal(Sha(s_content[..300]), Sha(await again.Content.ReadAsByteArrayAsync()));
        }

        Assert.Empty(server.Requests);

        // Parts never answer a GET of the whole representation.
        using var whole = await SendAsync(client.Client, uri, range: null);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(Sha(s_content), Sha(await whole.Content.ReadAsByteArrayAsync()));
        Assert.StartsWith("StatusAwareHttp; fwd=partial; fwd-status=200", Status(whole), StringComparison.Ordinal); // RFC 9211 §2.2
        Assert.Single(server.Requests);
    }

    // §3.3: once every byte is held, the parts are a complete 200 that answers a plain GET from storage.
    [Fact]
    public async Task Parts_that_hold_every_byte_become_a_complete_200()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("file");

        (await SendAsync(client.Client, uri, "bytes=0-49999")).Dispose();
        (await SendAsync(client.Client, uri, "bytes=50000-")).Dispose();
        server.ClearRequests();

        using var whole = await SendAsync(client.Client, uri, range: null);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(Sha(s_content), Sha(await whole.Content.ReadAsByteArrayAsync()));
        Assert.Equal("100000", Header(whole, "Content-Length"));
        Assert.Null(Header(whole, "Content-Range"));
        Assert.Null(Header(whole, "StatusAwareHttp-Parts"));
        Assert.StartsWith("StatusAwareHttp; hit", Status(whole), StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    // §3.4: parts of another validator are never combined: the newer part replaces the stored ones.
    [Fact]
    public async Task A_part_with_another_validator_replaces_the_stored_parts()
    {
        var time = Time();
        var version = new StrongBox<int>(1);
        await using var server = await StartVersioned(time, version);
        await using var client = Client(time);
        var uri = server.Url("doc");

        (await SendAsync(client.Client, uri, "bytes=0-99")).Dispose(); // v1
        version.Value = 2;
        time.Advance(TimeSpan.FromSeconds(601)); // stale: the next range goes to the origin as it came
        (await SendAsync(client.Client, uri, "bytes=200-299")).Dispose(); // v2 replaces
        server.ClearRequests();

        using var response = await SendAsync(client.Client, uri, "bytes=0-299");
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(Sha(Version(2)[..300]), Sha(await response.Content.ReadAsByteArrayAsync()));
        var fetch = Assert.Single(server.Requests);
        Assert.Equal("bytes=0-199", fetch.Header("Range")); // 0-99 of v1 is not held for v2
        Assert.Equal("\"v2\"", fetch.Header("If-Range"));
    }

    // §13.1.5: the representation changed since the parts were stored: the origin's 200 answers the range request
    // and replaces the parts.
    [Fact]
    public async Task A_changed_representation_answers_with_the_origins_200()
    {
        var time = Time();
        var version = new StrongBox<int>(1);
        await using var server = await StartVersioned(time, version);
        await using var client = Client(time);
        var uri = server.Url("doc");

        (await SendAsync(client.Client, uri, "bytes=0-99")).Dispose();
        version.Value = 2;
        using var response = await SendAsync(client.Client, uri, "bytes=0-199");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Sha(Version(2)), Sha(await response.Content.ReadAsByteArrayAsync()));
        server.ClearRequests();

        // The new representation replaced the parts: a plain GET is served from storage.
        using var whole = await SendAsync(client.Client, uri, range: null);
        Assert.Equal(Sha(Version(2)), Sha(await whole.Content.ReadAsByteArrayAsync()));
        Assert.StartsWith("StatusAwareHttp; hit", Status(whole), StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    // §3.4: a 206 with a weak validator only is never stored: each range goes to the origin.
    [Fact]
    public async Task A_weak_only_206_is_never_stored()
    {
        var time = Time();
        await using var server = await StartOrigin(time);
        await using var client = Client(time);
        var uri = server.Url("weak");

        for (var i = 0; i < 2; i++)
        {
            using var response = await SendAsync(client.Client, uri, "bytes=0-9");
            Assert.Equal(Sha(s_content[..10]), Sha(await response.Content.ReadAsByteArrayAsync()));
        }

        Assert.Equal(2, server.CountFor("/weak"));
    }

    // A 206 cut short while the cache reads it to keep it: the caller gets the error reading it would have given,
    // nothing is stored, and the next request goes to the origin again.
    [Fact]
    public async Task A_206_cut_short_is_an_error_and_not_stored()
    {
        var time = Time();
        await using var server = RawBytesServer.Start(_ => RawBytesServer.Latin1(
            "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-99/1000\r\nContent-Length: 100\r\nETag: \"x\"\r\n"
            + "Cache-Control: max-age=60\r\n\r\n0123456789"));
        await using var client = Client(time);
        var uri = new Uri(server.BaseAddress, "cut");

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => SendAsync(client.Client, uri, "bytes=0-99"));
        }

        Assert.Equal(2, server.Heads.Count);
    }
}
