using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Authentication;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Tests.Retries;

namespace StatusAwareHttp.Tests.SyncPath;

/// <summary>
/// <see cref="HttpClient.Send(HttpRequestMessage)"/> through the whole pipeline, over real sockets: each handler's
/// synchronous path behaves as its asynchronous one.
/// </summary>
public sealed class SyncSendTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Send_follows_a_redirect_to_its_target()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/old", () => Results.Redirect("/new", permanent: true));
            app.MapGet("/new", () => Results.Text("moved here"));
        });
        await using var test = TestClient.Create();

        using var response = test.Client.Send(new HttpRequestMessage(HttpMethod.Get, server.Url("/old")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(server.Url("/new"), response.RequestMessage!.RequestUri);
        Assert.Equal("moved here", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, server.CountFor("/new"));
    }

    [Fact]
    public async Task Send_retries_a_503_after_its_Retry_After_on_the_TimeProvider()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await LoopbackServer.StartAsync(app => RetryEndToEndTests.MapFlaky(app, "/r", 1, 503, () => "5"));
        await using var test = RetryEndToEndTests.Client(time);

        // The synchronous call blocks its thread on a timer of the TimeProvider; this test moves the fake clock.
        var request = Task.Run(() => test.Client.Send(new HttpRequestMessage(HttpMethod.Get, server.Url("/r"))));
        var due = await time.NextTimerAsync().WaitAsync(s_timeout);
        Assert.Equal(TimeSpan.FromSeconds(5), due);

        time.Advance(due - TimeSpan.FromTicks(1));
        Assert.False(request.IsCompleted);
        Assert.Equal(1, server.CountFor("/r"));

        time.Advance(TimeSpan.FromTicks(1));
        using var response = await request.WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, server.CountFor("/r"));
        Assert.Single(test.Logs.GetSnapshot(), l => l.Id.Id == 300);
    }

    [Fact]
    public async Task Send_answers_a_Digest_401()
    {
        var digest = new ScriptedDigestServer("SHA-256", "alice", "wonderland");
        await using var server = await LoopbackServer.StartAsync(app => digest.Map(app, "/digest"));
        await using var test = TestClient.Create(o => o.Authentication.Credentials = new NetworkCredential("alice", "wonderland"));

        using var response = test.Client.Send(new HttpRequestMessage(HttpMethod.Get, server.Url("/digest")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("digest ok", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, server.CountFor("/digest"));
        Assert.Single(digest.Answers);
    }

    [Fact]
    public async Task Send_refreshes_a_refused_bearer_token_and_sends_again()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api", (HttpContext c) =>
        {
            if (c.Request.Headers.Authorization == "Bearer fresh")
            {
                return Results.Text("ok");
            }

            c.Response.Headers.WWWAuthenticate = "Bearer realm=\"api\", error=\"invalid_token\"";
            return Results.StatusCode(401);
        }));
        var provider = new SlowTokenProvider();
        await using var test = TestClient.Create(o => o.Authentication.BearerTokenProvider = provider);

        using var response = test.Client.Send(new HttpRequestMessage(HttpMethod.Get, server.Url("/api")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Bearer expired", "Bearer fresh"], server.Requests.Select(r => r.Header("Authorization")));
        Assert.Equal(1, provider.Refreshes);
    }

    [Fact]
    public async Task Send_with_ThrowOnErrorStatus_throws_HttpStatusException_with_the_excerpt()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/missing", () => Results.Text("no such page", statusCode: 404)));
        await using var test = TestClient.Create(o => o.Errors.ThrowOnErrorStatus = true);

        var error = Assert.Throws<HttpStatusException>(() =>
        {
            using var response = test.Client.Send(new HttpRequestMessage(HttpMethod.Get, server.Url("/missing")));
        });

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("no such page", error.BodyExcerpt);
    }

    [Fact]
    public async Task Send_gives_a_205_sent_with_a_body_empty_content()
    {
        await using var server = await RawHttpServer.StartAsync("HTTP/1.1 205 Reset Content\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
        await using var test = TestClient.Create();

        using var response = test.Client.Send(new HttpRequestMessage(HttpMethod.Get, server.BaseAddress), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.ResetContent, response.StatusCode);
        Assert.Equal(0, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>A provider whose refresh completes asynchronously, as a real token endpoint's would.</summary>
    private sealed class SlowTokenProvider : IBearerTokenProvider
    {
        private string _current = "expired";
        private int _refreshes;

        public int Refreshes => Volatile.Read(ref _refreshes);

        public ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(Volatile.Read(ref _current));

        public async ValueTask<string?> RefreshTokenAsync(string? rejectedToken, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _refreshes);
            await Task.Delay(10, cancellationToken);
            Volatile.Write(ref _current, "fresh");
            return "fresh";
        }
    }
}
