using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Refit;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Tests.Retries;

namespace StatusAwareHttp.Tests.Refit;

/// <summary>The Refit interface of the tests' origin.</summary>
public interface IOriginApi
{
    [Get("/from")]
    Task<string> FollowAsync();

    [Get("/cached")]
    Task<IApiResponse<string>> CachedAsync();

    [Get("/flaky")]
    Task<string> FlakyAsync();

    [Get("/missing")]
    Task<string> MissingAsync();
}

/// <summary>
/// A Refit client registered with <c>AddRefitGeneratedClient&lt;T&gt;().AddStatusHandling()</c>, over real sockets
/// (Refit 16 generates the client at build time; its <c>AddRefitClient&lt;T&gt;()</c> needs the Refit.Reflection package).
/// </summary>
public sealed class RefitClientTests
{
    private static Task<LoopbackServer> StartOrigin() => LoopbackServer.StartAsync(app =>
    {
        app.MapGet("/from", () => Results.Redirect("/to"));
        app.MapGet("/to", () => "arrived");
        var hits = 0;
        app.MapGet("/cached", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=600";
            return $"version {Interlocked.Increment(ref hits)}";
        });
        RetryEndToEndTests.MapFlaky(app, "/flaky", 1, 503);
        app.MapGet("/missing", () => Results.NotFound());
    });

    private static ServiceProvider Services(LoopbackServer server, bool throwOnErrorStatus = false)
    {
        var services = new ServiceCollection();
        services.AddRefitGeneratedClient<IOriginApi>()
            .ConfigureHttpClient(c => c.BaseAddress = server.BaseAddress)
            .AddStatusHandling(o =>
            {
                o.Retries.BaseDelay = TimeSpan.Zero;
                o.Errors.ThrowOnErrorStatus = throwOnErrorStatus;
            });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_Refit_client_gets_redirects_the_cache_and_retries()
    {
        await using var server = await StartOrigin();
        await using var services = Services(server);
        var api = services.GetRequiredService<IOriginApi>();

        Assert.Equal("arrived", await api.FollowAsync());
        Assert.Equal(1, server.CountFor("/from"));

        Assert.Equal("version 1", (await api.CachedAsync()).Content);
        using var second = await api.CachedAsync();
        Assert.Equal("version 1", second.Content);
        Assert.Contains("hit", string.Join(",", second.Headers!.GetValues("Cache-Status")), StringComparison.Ordinal);
        Assert.Equal(1, server.CountFor("/cached"));

        Assert.Equal("ok", await api.FlakyAsync());
        Assert.Equal(2, server.CountFor("/flaky"));
    }

    [Fact]
    public async Task Without_ThrowOnErrorStatus_Refit_throws_its_own_ApiException()
    {
        await using var server = await StartOrigin();
        await using var services = Services(server);
        var api = services.GetRequiredService<IOriginApi>();

        var exception = await Assert.ThrowsAsync<ApiException>(api.MissingAsync);
        Assert.Equal(HttpStatusCode.NotFound, exception.StatusCode);
    }

    [Fact]
    public async Task With_ThrowOnErrorStatus_the_HttpStatusException_reaches_the_Refit_caller()
    {
        await using var server = await StartOrigin();
        await using var services = Services(server, throwOnErrorStatus: true);
        var api = services.GetRequiredService<IOriginApi>();

        // Refit wraps whatever HttpClient.SendAsync throws in its ApiRequestException; the HttpStatusException, with
        // its status, problem details and body excerpt, is the inner exception.
        var exception = await Assert.ThrowsAsync<ApiRequestException>(api.MissingAsync);
        var status = Assert.IsType<HttpStatusException>(exception.InnerException);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, status.Status);
        Assert.False(typeof(HttpRequestException).IsAssignableFrom(typeof(ApiRequestException)));
    }
}
