using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Errors;

public sealed class EnsureStatusTests
{
    private const int FiftyMiB = 50 * 1024 * 1024;

    [Fact]
    public async Task ReturnsTheResponseForASuccess()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/ok", () => "fine"));
        await using var test = TestClient.Create();

        using var response = await test.Client.GetAsync(server.Url("/ok"));
        var same = await response.EnsureStatusAsync();

        Assert.Same(response, same);
        Assert.Equal("fine", await same.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ProblemJson400CarriesTheProblemDetails()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/people", () => Results.Text(
            "{\"type\":\"https://example.net/validation\",\"title\":\"Your request is not valid.\",\"status\":400,\"detail\":\"age must be positive\",\"instance\":\"/people/7\",\"errors\":{\"age\":[\"must be positive\"]}}",
            "application/problem+json; charset=utf-8",
            statusCode: 400)));
        await using var test = TestClient.Create();

        using var response = await test.Client.PostAsync(server.Url("/people?token=secret"), new StringContent("{}"));
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => response.EnsureStatusAsync().AsTask());

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal(HttpMethod.Post, ex.Method);
        Assert.True(ex.IsClientError);
        Assert.False(ex.IsServerError);
        Assert.False(ex.IsTransient);
        Assert.NotNull(ex.Problem);
        Assert.Equal("https://example.net/validation", ex.Problem.Type);
        Assert.Equal("Your request is not valid.", ex.Problem.Title);
        Assert.Equal(400, ex.Problem.Status);
        Assert.Equal("age must be positive", ex.Problem.Detail);
        Assert.Equal("/people/7", ex.Problem.Instance);
        Assert.Equal("must be positive", ex.Problem.Extensions["errors"].GetProperty("age")[0].GetString());
        Assert.Equal("application/problem+json", ex.ContentHeaders.ContentType?.MediaType);
        Assert.Contains("age must be positive", ex.Message, StringComparison.Ordinal);

        // The message names the request without its query; the property keeps the full URI.
        Assert.Contains("POST " + server.Url("/people") + "?* answered 400 Bad Request.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
        Assert.Equal(server.Url("/people?token=secret"), ex.RequestUri);
        Assert.IsAssignableFrom<HttpRequestException>(ex);
    }

    [Fact]
    public async Task PlainText403CarriesTheReasonFromTheBody()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/admin", (HttpContext c) =>
        {
            c.Response.Headers["X-Request-Id"] = "r-17";
            return Results.Text("Access from your IP address is blocked.", "text/plain; charset=utf-8", statusCode: 403);
        }));
        await using var test = TestClient.Create();

        using var response = await test.Client.GetAsync(server.Url("/admin"));
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => response.EnsureStatusAsync().AsTask());

        Assert.Equal(HttpStatusCode.Forbidden, ex.Status);
        Assert.Null(ex.Problem);
        Assert.Equal("Access from your IP address is blocked.", ex.BodyExcerpt);
        Assert.False(ex.IsBodyTruncated);
        Assert.Equal("r-17", ex.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal("Forbidden", ex.ReasonPhrase);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task Plain404And500AreTypedAndNotTransient()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/missing", () => Results.NotFound());
            app.MapGet("/broken", () => Results.Text("boom", statusCode: 500));
        });
        await using var test = TestClient.Create();

        using var notFound = await test.Client.GetAsync(server.Url("/missing"));
        var ex404 = await Assert.ThrowsAsync<HttpStatusException>(() => notFound.EnsureStatusAsync().AsTask());
        Assert.Equal(HttpStatusCode.NotFound, ex404.StatusCode);
        Assert.Equal(string.Empty, ex404.BodyExcerpt);
        Assert.False(ex404.IsTransient);

        using var broken = await test.Client.GetAsync(server.Url("/broken"));
        var ex500 = await Assert.ThrowsAsync<HttpStatusException>(() => broken.EnsureStatusAsync().AsTask());
        Assert.True(ex500.IsServerError);
        Assert.False(ex500.IsTransient);
        Assert.Equal("boom", ex500.BodyExcerpt);

        // Each was sent once: neither 404 nor 500 is retried.
        Assert.Equal(1, server.CountFor("/missing"));
        Assert.Equal(1, server.CountFor("/broken"));
    }

    [Fact]
    public async Task Method405ExposesAllow()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapDelete("/orders/1", (HttpContext c) =>
            {
                c.Response.Headers.Allow = "GET, HEAD, PUT";
                return Results.StatusCode(405);
            });
            app.MapDelete("/orders/2", () => Results.StatusCode(405));
        });
        await using var test = TestClient.Create();

        using var listed = await test.Client.DeleteAsync(server.Url("/orders/1"));
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => listed.EnsureStatusAsync().AsTask());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, ex.StatusCode);
        Assert.Equal(["GET", "HEAD", "PUT"], ex.AllowedMethods);
        Assert.Contains("Allowed: GET, HEAD, PUT.", ex.Message, StringComparison.Ordinal);

        using var omitted = await test.Client.DeleteAsync(server.Url("/orders/2"));
        var none = await Assert.ThrowsAsync<HttpStatusException>(() => omitted.EnsureStatusAsync().AsTask());
        Assert.Empty(none.AllowedMethods);
        Assert.Contains("The server sent no Allow.", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status401CarriesEveryChallengeOfOneHeader()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/private", (HttpContext c) =>
        {
            c.Response.Headers.WWWAuthenticate = "Digest realm=\"api\", nonce=\"abc, def\", algorithm=SHA-256, qop=\"auth\", Basic realm=\"api\", charset=\"UTF-8\", Bearer";
            return Results.StatusCode(401);
        }));
        await using var test = TestClient.Create();

        using var response = await test.Client.GetAsync(server.Url("/private"));
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => response.EnsureStatusAsync().AsTask());

        Assert.Equal(["Digest", "Basic", "Bearer"], ex.Challenges.Select(c => c.Scheme));
        Assert.Equal("abc, def", ex.Challenges[0].Parameters["nonce"]);
        Assert.Equal("SHA-256", ex.Challenges[0].Parameters["algorithm"]);
        Assert.Equal("UTF-8", ex.Challenges[1].Parameters["charset"]);
        Assert.Empty(ex.Challenges[2].Parameters);
        Assert.Contains("Challenges: Digest (realm \"api\"), Basic (realm \"api\"), Bearer.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(429, "120", 120)] // RFC 6585 §4 with delta-seconds
    [InlineData(503, "Thu, 26 Nov 2026 12:00:30 GMT", 30)] // §10.2.3 an HTTP-date, against the client's clock
    public async Task RetryAfterIsRead(int status, string retryAfter, int seconds)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/busy", (HttpContext c) =>
        {
            c.Response.Headers.RetryAfter = retryAfter;
            return Results.StatusCode(status);
        }));
        await using var test = TestClient.Create(o => o.Retries.Enabled = false, time: time);

        using var response = await test.Client.GetAsync(server.Url("/busy"));
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => response.EnsureStatusAsync().AsTask());

        Assert.Equal(TimeSpan.FromSeconds(seconds), ex.RetryAfter);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task NoRetryAfterMeansNull()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/busy", () => Results.StatusCode(503)));
        await using var test = TestClient.Create(o => o.Retries.Enabled = false);

        using var response = await test.Client.GetAsync(server.Url("/busy"));
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => response.EnsureStatusAsync().AsTask());
        Assert.Null(ex.RetryAfter);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task TheExcerptIsBoundedAndCutOnACharacter()
    {
        // 3000 two-byte characters: 6000 bytes, so the 4096-byte bound falls inside the text.
        var body = new string('é', 3000);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/long", () => Results.Text(body, "text/plain; charset=utf-8", statusCode: 500)));
        await using var test = TestClient.Create();

        using var response = await test.Client.GetAsync(server.Url("/long"));
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => response.EnsureStatusAsync().AsTask());

        Assert.True(ex.IsBodyTruncated);
        Assert.Equal(new string('é', 2048), ex.BodyExcerpt);
    }

    [Fact]
    public async Task TheExcerptBoundIsAnOption()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/long", () => Results.Text(new string('x', 100), statusCode: 502)));
        await using var test = TestClient.Create(o =>
        {
            o.Errors.MaxBodyExcerptBytes = 10;
            o.Retries.Enabled = false;
        });

        using var response = await test.Client.GetAsync(server.Url("/long"));
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => response.EnsureStatusAsync().AsTask());
        Assert.Equal("xxxxxxxxxx", ex.BodyExcerpt);
        Assert.True(ex.IsBodyTruncated);
    }

    [Fact]
    public async Task A50MiBErrorBodyIsReadOnlyUpToTheExcerpt()
    {
        await using var server = await StartHugeAsync();
        await using var test = TestClient.Create();

        // ResponseHeadersRead: HttpClient itself does not buffer the body, so only EnsureStatusAsync reads it.
        using var response = await test.Client.GetAsync(new Uri(server.BaseAddress, "/huge"), HttpCompletionOption.ResponseHeadersRead);
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => response.EnsureStatusAsync().AsTask());

        Assert.Equal(4096, ex.BodyExcerpt.Length);
        Assert.True(ex.IsBodyTruncated);
        Assert.Equal(FiftyMiB, ex.ContentHeaders.ContentLength);
        await AssertServerStoppedEarly(server);
    }

    [Fact]
    public async Task A50MiBErrorBodyIsReadOnlyUpToTheExcerptWhenTheClientThrows()
    {
        await using var server = await StartHugeAsync();
        await using var test = TestClient.Create(o => o.Errors.ThrowOnErrorStatus = true);

        // The default completion option would buffer the whole body; the handler throws before that.
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => test.Client.GetAsync(new Uri(server.BaseAddress, "/huge")));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal(4096, ex.BodyExcerpt.Length);
        await AssertServerStoppedEarly(server);
    }

    [Fact]
    public async Task NoContent204HasEmptyContent()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapDelete("/item", () => Results.NoContent()));
        await using var test = TestClient.Create();

        using var response = await test.Client.DeleteAsync(server.Url("/item"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.NotNull(response.Content);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Same(response, await response.EnsureStatusAsync());
    }

    [Fact]
    public async Task ResetContent205SentWithABodyHasEmptyContent()
    {
        // Kestrel refuses to write a body for 205, so a raw socket server sends one, as a broken server would.
        await using var server = await RawHttpServer.StartAsync("HTTP/1.1 205 Reset Content\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
        await using var test = TestClient.Create();

        using var response = await test.Client.GetAsync(server.BaseAddress);

        Assert.Equal(HttpStatusCode.ResetContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(0, response.Content.Headers.ContentLength);
    }

    // A raw socket rather than Kestrel: Kestrel completes writes to a connection the client closed without an error,
    // so it cannot tell how much of the body went out; a socket's send fails once the peer is gone.
    private static Task<RawHttpServer> StartHugeAsync() => RawHttpServer.StartStreamingAsync(
        $"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: {FiftyMiB}\r\n\r\n", FiftyMiB);

    private static async Task AssertServerStoppedEarly(RawHttpServer server)
    {
        // The client dropped the connection after the excerpt; what the server got out is the socket buffers' worth,
        // far below the 50 MiB (had the body been read whole, the server would have written it all).
        var written = await server.BodyBytesSent.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(written < 20 * 1024 * 1024, $"the server wrote {written} bytes before the client stopped reading");
    }
}
