using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Errors;

public sealed class MetricsTests
{
    [Fact]
    public async Task AuthenticationAndErrorsAreCounted()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/basic", Authentication.AuthenticationTests.BasicEndpoint("alice", "wonderland"));
            app.MapGet("/missing", () => Results.NotFound());
        });
        await using var test = TestClient.Create(o => o.Authentication.Credentials = new NetworkCredential("alice", "wonderland"));
        var meter = test.Services.GetRequiredService<StatusAwareHttpMeter>().Meter;
        using var answered = new MetricCollector<long>(meter, "statusawarehttp.auth.answered");
        using var thrown = new MetricCollector<long>(meter, "statusawarehttp.errors.thrown");

        (await test.Client.GetAsync(server.Url("/basic"))).Dispose();
        using var missing = await test.Client.GetAsync(server.Url("/missing"));
        await Assert.ThrowsAsync<HttpStatusException>(() => missing.EnsureStatusAsync().AsTask());

        var answer = Assert.Single(answered.GetMeasurementSnapshot());
        Assert.Equal("basic", answer.Tags["scheme"]);
        var error = Assert.Single(thrown.GetMeasurementSnapshot());
        Assert.Equal(404, error.Tags["http.response.status_code"]);
    }
}
