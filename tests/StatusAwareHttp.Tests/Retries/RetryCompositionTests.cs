using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Retries.RetryEndToEndTests;

namespace StatusAwareHttp.Tests.Retries;

/// <summary>The README's recipes for using AddStandardResilienceHandler() too, without retrying twice.</summary>
public sealed class RetryCompositionTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private static void NoWaits(HttpStandardResilienceOptions o)
    {
        o.Retry.Delay = TimeSpan.Zero;
        o.Retry.UseJitter = false;
    }

    [Theory]
    [InlineData("both retry", 16)] // ours outside theirs: 4 x 4 requests for one call
    [InlineData("ours off", 4)] // Retries.Enabled = false: theirs retries 3 times
    [InlineData("theirs off", 4)] // their retry never handles: ours retries 3 times
    public async Task With_the_standard_resilience_handler_only_one_of_the_two_retries(string setup, int requests)
    {
        await using var server = await LoopbackServer.StartAsync(app => MapFlaky(app, "/down", int.MaxValue, 503, () => "0"));
        await using var test = TestClient.Create(
            o => o.Retries.Enabled = setup != "ours off",
            b => b.AddStandardResilienceHandler(o =>
            {
                NoWaits(o);
                if (setup == "theirs off")
                {
                    o.Retry.ShouldHandle = _ => ValueTask.FromResult(false);
                }
            }));

        using var response = await test.Client.GetAsync(server.Url("/down")).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(requests, server.CountFor("/down"));
    }
}
