using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Authentication;

public sealed class BearerTests
{
    private const int Concurrent = 8;

    [Fact]
    public async Task ConcurrentRefusalsRefreshTheTokenOnceAndResendEachRequestOnce()
    {
        var refused = 0;
        var allRefused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api/{id}", (HttpContext c) =>
        {
            if (c.Request.Headers.Authorization == "Bearer fresh")
            {
                return Results.Text("ok");
            }

            if (Interlocked.Increment(ref refused) == Concurrent)
            {
                allRefused.TrySetResult();
            }

            c.Response.Headers.WWWAuthenticate = "Bearer realm=\"api\", error=\"invalid_token\"";
            return Results.StatusCode(401);
        }));

        // The refresh waits until the server has refused every request, so they all come back with 401 around it.
        var provider = new TestTokenProvider("expired", "fresh", allRefused.Task);
        await using var test = TestClient.Create(o => o.Authentication.BearerTokenProvider = provider);

        var responses = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(i => test.Client.GetAsync(server.Url($"/api/{i}"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, provider.Refreshes);
        Assert.Equal(["expired"], provider.Rejected);
        for (var i = 0; i < Concurrent; i++)
        {
            // Each request: once with the old token, once with the new one.
            Assert.Equal(2, server.CountFor($"/api/{i}"));
        }

        Assert.Equal(Concurrent, server.Requests.Count(r => r.Header("Authorization") == "Bearer expired"));
        Assert.Equal(Concurrent, server.Requests.Count(r => r.Header("Authorization") == "Bearer fresh"));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task ARefreshedTokenThatIsRefusedToo_EndsInOne401PerRequest()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api", (HttpContext c) =>
        {
            c.Response.Headers.WWWAuthenticate = "Bearer realm=\"api\", error=\"invalid_token\"";
            return Results.StatusCode(401);
        }));
        var provider = new TestTokenProvider("expired", "also-bad", Task.CompletedTask);
        await using var test = TestClient.Create(o => o.Authentication.BearerTokenProvider = provider);

        using var response = await test.Client.GetAsync(server.Url("/api"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, server.CountFor("/api"));
        Assert.Equal(1, provider.Refreshes);
    }

    [Fact]
    public async Task TheTokenGoesWithEveryRequestToTheOriginOnly()
    {
        await using var other = await LoopbackServer.StartAsync(app => app.MapGet("/x", () => "other"));
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/api", () => "ok");
            app.MapGet("/away", () => Results.Redirect(other.Url("/x").ToString()));
        });
        var provider = new TestTokenProvider("current", "unused", Task.CompletedTask);
        await using var test = TestClient.Create(o => o.Authentication.BearerTokenProvider = provider);

        using var first = await test.Client.GetAsync(server.Url("/api"));
        using var away = await test.Client.GetAsync(server.Url("/away"));

        Assert.Equal("Bearer current", server.Requests[0].Header("Authorization"));
        Assert.Equal("Bearer current", server.Requests[1].Header("Authorization"));
        Assert.Null(Assert.Single(other.Requests).Header("Authorization"));
        Assert.Equal(0, provider.Refreshes);
    }

    [Fact]
    public async Task NoNewTokenHandsThe401Back()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api", (HttpContext c) =>
        {
            c.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.StatusCode(401);
        }));
        var provider = new TestTokenProvider("expired", null, Task.CompletedTask);
        await using var test = TestClient.Create(o => o.Authentication.BearerTokenProvider = provider);

        using var response = await test.Client.GetAsync(server.Url("/api"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, server.CountFor("/api"));
    }

    private sealed class TestTokenProvider(string initial, string? refreshed, Task gate) : IBearerTokenProvider
    {
        private string _current = initial;
        private int _refreshes;

        public int Refreshes => Volatile.Read(ref _refreshes);

        public List<string?> Rejected { get; } = [];

        public ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(Volatile.Read(ref _current));

        public async ValueTask<string?> RefreshTokenAsync(string? rejectedToken, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _refreshes);
            lock (Rejected)
            {
                Rejected.Add(rejectedToken);
            }

            await gate.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            if (refreshed is not null)
            {
                Volatile.Write(ref _current, refreshed);
            }

            return refreshed;
        }
    }
}
