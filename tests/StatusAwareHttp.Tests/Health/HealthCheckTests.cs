using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Health;

/// <summary>
/// <c>services.AddHealthChecks().AddStatusHandling()</c>: one check per client, through the real health check service,
/// for the memory store and for the distributed store on a real redis-server, up and then killed.
/// </summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task Each_client_gets_a_check_and_the_memory_store_is_healthy_with_its_size()
    {
        var services = new ServiceCollection();
        services.AddHealthChecks().AddStatusHandling(tags: ["http"]);
        services.AddHttpClient("first").AddStatusHandling();
        services.AddHttpClient("second").AddStatusHandling(o => (o.Cache.MaxTotalBytes, o.Cache.MaxEntryBytes) = (1024 * 1024, 64 * 1024));
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.True(report.Status == HealthStatus.Healthy, string.Join("\n", report.Entries.Select(e => $"{e.Key}: {e.Value.Status} {e.Value.Description} {e.Value.Exception}")));
        Assert.Equal(["StatusAwareHttp:first", "StatusAwareHttp:second"], report.Entries.Keys.Order(StringComparer.Ordinal));
        var second = report.Entries["StatusAwareHttp:second"];
        Assert.Equal("memory", second.Data["store.store"]);
        Assert.Equal(1024L * 1024, second.Data["store.maxBytes"]);
        Assert.Contains("http", second.Tags);
        Assert.Contains("statusawarehttp", second.Tags);
    }

    [RedisFact]
    public async Task The_distributed_store_is_healthy_while_redis_answers_and_degraded_once_its_circuit_opens()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await LoopbackServer.StartAsync(app => app.MapGet("/r/{n}", (HttpContext c, string n) =>
        {
            c.Response.Headers.CacheControl = "max-age=600";
            return n;
        }));
        var services = new ServiceCollection();
        services.AddHealthChecks().AddStatusHandling();
        services.AddStackExchangeRedisCache(o => o.Configuration = redis.ConnectionString);
        // A loaded machine can take longer than the default 250 ms for the first calls on a new connection; two slow
        // calls would open the circuit before the healthy half is checked. A dead server fails at once, so the second
        // half does not wait on this bound.
        services.AddHttpClient("shared").UseDistributedHttpCache(o => (o.MemoryFrontLifetime, o.OperationTimeout) = (TimeSpan.Zero, TimeSpan.FromSeconds(5)));
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("shared");
        var health = provider.GetRequiredService<HealthCheckService>();
        Assert.Equal("1", await client.GetStringAsync(origin.Url("/r/1")));

        var up = (await health.CheckHealthAsync()).Entries["StatusAwareHttp:shared"];
        Assert.True(up.Status == HealthStatus.Healthy, $"{up.Status}: {up.Description}");
        Assert.Equal("closed", up.Data["store.circuit"]);

        // Redis gone: the next lookups fail, the circuit opens, and the check says the store is bypassed.
        await redis.KillAsync();
        for (var i = 2; i < 6; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), await client.GetStringAsync(origin.Url("/r/" + i)));
        }

        var down = (await health.CheckHealthAsync()).Entries["StatusAwareHttp:shared"];
        Assert.Equal(HealthStatus.Degraded, down.Status);
        Assert.Equal("open", down.Data["store.circuit"]);
        Assert.Contains("bypassed", down.Description, StringComparison.Ordinal);
    }
}
