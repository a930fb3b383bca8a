using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// Over real sockets, with Microsoft.Extensions.Http.Resilience on the same client: Polly's rejections (its timeout,
/// its open circuit) are origin failures, which a stored stale-if-error response stands in for; and a client that
/// retries twice over is warned about.
/// </summary>
public sealed class CacheBehindResilienceTests
{
    private const string StaleIfError = "max-age=0, stale-if-error=600";

    private int _requests;

    private Task<LoopbackServer> StartOriginAsync() => LoopbackServer.StartAsync(app => app.MapGet("/slow-later", async (HttpContext context) =>
    {
        if (Interlocked.Increment(ref _requests) > 1)
        {
            // No answer until the client gives up: the resilience handler's attempt timeout ends it.
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
        }

        context.Response.Headers.CacheControl = StaleIfError;
        await context.Response.WriteAsync("stored body");
    }));

    [Fact]
    public async Task A_stale_if_error_response_is_served_when_the_standard_handler_times_out()
    {
        await using var origin = await StartOriginAsync();
        await using var client = TestClient.Create(
            o => o.Retries.Enabled = false,
            b => b.AddStandardResilienceHandler(o =>
            {
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(3); // well above a cold first request on a loaded machine
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(10);
                o.Retry.ShouldHandle = _ => ValueTask.FromResult(false);
            }));
        var url = origin.Url("/slow-later");
        Assert.Equal("stored body", await client.Client.GetStringAsync(url));

        using var response = await client.Client.GetAsync(url);

        Assert.Equal("stored body", await response.Content.ReadAsStringAsync());
        Assert.Contains("detail=stale-if-error", Status(response), StringComparison.Ordinal);
        Assert.Equal(2, Volatile.Read(ref _requests));
    }

    [Fact]
    public async Task A_stale_if_error_response_is_served_when_a_resilience_circuit_is_open()
    {
        await using var origin = await StartOriginAsync();
        var circuit = new CircuitBreakerManualControl();
        await using var client = TestClient.Create(
            o => o.Retries.Enabled = false,
            b => b.AddResilienceHandler("breaker", p => p.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions { ManualControl = circuit })));
        var url = origin.Url("/slow-later");
        Assert.Equal("stored body", await client.Client.GetStringAsync(url));
        await circuit.IsolateAsync();

        using var response = await client.Client.GetAsync(url);

        Assert.Equal("stored body", await response.Content.ReadAsStringAsync());
        Assert.Contains("detail=stale-if-error", Status(response), StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref _requests)); // the open circuit sent nothing
    }

    [Theory]
    [InlineData(typeof(Polly.Timeout.TimeoutRejectedException), true)]
    [InlineData(typeof(BrokenCircuitException), true)]
    [InlineData(typeof(IsolatedCircuitException), true)]
    [InlineData(typeof(Polly.RateLimiting.RateLimiterRejectedException), true)]
    [InlineData(typeof(HttpRequestException), true)]
    [InlineData(typeof(InvalidOperationException), false)]
    public void Polly_rejections_are_origin_failures(Type type, bool failure)
    {
        var exception = (Exception)Activator.CreateInstance(type)!;

        Assert.Equal(failure, OriginFailure.IsOriginFailure(exception, CancellationToken.None));
        Assert.False(OriginFailure.IsOriginFailure(exception, new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Our_retries_with_a_resilience_handler_are_warned_about_once()
    {
        await using var client = TestClient.Create(builder: b => b.AddStandardResilienceHandler());
        var factory = client.Services.GetRequiredService<IHttpClientFactory>();
        for (var i = 0; i < 3; i++)
        {
            factory.CreateClient(TestClient.Name).Dispose();
        }

        var warning = Assert.Single(client.Logs.GetSnapshot(), l => l.Id.Id == 2);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("README", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Either_one_retrying_is_not_warned_about()
    {
        await using var ours = TestClient.Create(builder: b => b.AddResilienceHandler("none", _ => { }));
        await using var theirs = TestClient.Create(o => o.Retries.Enabled = false, b => b.AddStandardResilienceHandler());
        await using var plain = TestClient.Create();

        Assert.DoesNotContain(theirs.Logs.GetSnapshot(), l => l.Id.Id == 2);
        Assert.DoesNotContain(plain.Logs.GetSnapshot(), l => l.Id.Id == 2);
        Assert.Contains(ours.Logs.GetSnapshot(), l => l.Id.Id == 2); // any Polly resilience handler: its strategies may retry
    }
}
