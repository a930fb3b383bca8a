using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace StatusAwareHttp.Testing.Tests;

/// <summary>One origin for the table of conditional and range answers over real sockets.</summary>
public sealed class OriginFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Modified = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly string Body = string.Concat(Enumerable.Range(0, 10).Select(i => new string((char)('a' + i), 10)));

    public TestOrigin Origin { get; private set; } = null!;

    public TestRepresentation Representation { get; } = TestRepresentation.Text(Body, cacheControl: "max-age=60") with { LastModified = Modified };

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Origin = await TestOrigin.StartAsync(new FakeTimeProvider(Modified.AddSeconds(10)));
        Origin.Map("/r", Representation);
        Client = new HttpClient { BaseAddress = Origin.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Origin.DisposeAsync();
    }
}

/// <summary>Every conditional and range answer of the origin over the wire, against RFC 9110 §13 and §14.</summary>
public sealed class OriginAnswersOverSocketsTests(OriginFixture fixture) : IClassFixture<OriginFixture>
{
    private const string Modified = "Sun, 01 Mar 2026 12:00:00 GMT";
    private const string Earlier = "Sun, 01 Mar 2026 11:00:00 GMT";

    [Theory]
    // method, field, value, status, Content-Range, body (- for the whole, "" for none)
    [InlineData("GET", null, null, 200, null, "-")]
    [InlineData("HEAD", null, null, 200, null, "")]
    [InlineData("GET", "If-None-Match", "{etag}", 304, null, "")]
    [InlineData("HEAD", "If-None-Match", "{etag}", 304, null, "")]
    [InlineData("GET", "If-None-Match", "\"other\"", 200, null, "-")]
    [InlineData("GET", "If-Modified-Since", Modified, 304, null, "")]
    [InlineData("GET", "If-Modified-Since", Earlier, 200, null, "-")]
    [InlineData("GET", "If-Match", "\"other\"", 412, null, "")]
    [InlineData("GET", "If-Unmodified-Since", Earlier, 412, null, "")]
    [InlineData("DELETE", "If-Match", "\"other\"", 412, null, "")]
    [InlineData("GET", "Range", "bytes=0-9", 206, "bytes 0-9/100", "aaaaaaaaaa")]
    [InlineData("GET", "Range", "bytes=-5", 206, "bytes 95-99/100", "jjjjj")]
    [InlineData("GET", "Range", "bytes=95-", 206, "bytes 95-99/100", "jjjjj")]
    [InlineData("GET", "Range", "bytes=100-", 416, "bytes */100", "")]
    [InlineData("GET", "Range", "pages=1-2", 200, null, "-")]
    [InlineData("HEAD", "Range", "bytes=0-9", 200, null, "")]
    [InlineData("QUERY", null, null, 405, null, "*")]
    public async Task The_origin_answers_as_rfc_9110_says(string method, string? field, string? value, int status, string? contentRange, string body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/r");
        if (field is not null)
        {
            request.Headers.TryAddWithoutValidation(field, value!.Replace("{etag}", fixture.Representation.ETag, StringComparison.Ordinal));
        }

        using var response = await fixture.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(contentRange, response.Content.Headers.ContentRange?.ToString());
        if (body != "*")
        {
            Assert.Equal(body == "-" ? OriginFixture.Body : body, text);
        }

        Assert.NotNull(response.Headers.Date);
        if (status is 200 or 206 or 304)
        {
            Assert.Equal(fixture.Representation.ETag, response.Headers.ETag?.ToString());
            Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.CacheControl?.MaxAge);
        }
    }

    [Theory]
    // If-Range with the current strong tag or the exact (strong) Last-Modified: 206; otherwise the whole representation.
    [InlineData("{etag}", 206)]
    [InlineData("\"old\"", 200)]
    [InlineData("W/{etag}", 200)]
    [InlineData(Modified, 206)]
    [InlineData(Earlier, 200)]
    public async Task If_range_decides_between_206_and_200(string ifRange, int status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/r");
        request.Headers.TryAddWithoutValidation("Range", "bytes=10-19");
        request.Headers.TryAddWithoutValidation("If-Range", ifRange.Replace("{etag}", fixture.Representation.ETag, StringComparison.Ordinal));

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(status == 206 ? "bbbbbbbbbb" : OriginFixture.Body, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Several_ranges_are_answered_as_multipart_byteranges()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/r");
        request.Headers.TryAddWithoutValidation("Range", "bytes=0-1,50-51");

        using var response = await fixture.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("multipart/byteranges", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Content-Range: bytes 0-1/100\r\n\r\naa", text, StringComparison.Ordinal);
        Assert.Contains("Content-Range: bytes 50-51/100\r\n\r\nff", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_has_the_fields_of_get_and_no_body()
    {
        using var head = await fixture.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/r"));

        Assert.Equal(100, head.Content.Headers.ContentLength);
        Assert.Equal(OriginFixture.Modified, head.Content.Headers.LastModified);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_304_carries_the_validator_and_caching_fields_but_no_last_modified_beside_an_etag()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/r");
        request.Headers.TryAddWithoutValidation("If-None-Match", fixture.Representation.ETag);

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(fixture.Representation.ETag, response.Headers.ETag?.ToString());
        Assert.Null(response.Content.Headers.LastModified);
        Assert.Equal(Encoding.UTF8.GetByteCount(""), (await response.Content.ReadAsByteArrayAsync()).Length);
    }
}
