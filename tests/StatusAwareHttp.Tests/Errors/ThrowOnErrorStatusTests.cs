using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Errors;

public sealed class ThrowOnErrorStatusTests
{
    [Fact]
    public async Task EveryErrorStatusThrows()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/ok", () => "fine");
            app.MapGet("/gone", () => Results.Text("{\"title\":\"Gone for good\"}", "application/problem+json", statusCode: 410));
            app.MapGet("/moved", () => Results.Redirect("/gone"));
        });
        await using var test = TestClient.Create(o => o.Errors.ThrowOnErrorStatus = true);

        using var ok = await test.Client.GetAsync(server.Url("/ok"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        // Thrown after the redirect was followed: the error is the final response's.
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => test.Client.GetAsync(server.Url("/moved")));
        Assert.Equal(HttpStatusCode.Gone, ex.StatusCode);
        Assert.Equal(server.Url("/gone"), ex.RequestUri);
        Assert.Equal("Gone for good", ex.Problem?.Title);
    }

    [Fact]
    public async Task AnAnswered401DoesNotThrow()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/basic", Authentication.AuthenticationTests.BasicEndpoint("alice", "wonderland")));
        await using var test = TestClient.Create(o =>
        {
            o.Errors.ThrowOnErrorStatus = true;
            o.Authentication.Credentials = new NetworkCredential("alice", "wonderland");
        });

        using var response = await test.Client.GetAsync(server.Url("/basic"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ResponsesAreReturnedByDefault()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/gone", () => Results.StatusCode(410)));
        await using var test = TestClient.Create();

        using var response = await test.Client.GetAsync(server.Url("/gone"));
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
    }
}
