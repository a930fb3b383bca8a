using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Redis.Tests;

/// <summary>
/// The health of a client's Redis link through <c>AddHealthChecks().AddStatusHandling()</c>, against a real
/// redis-server and a closed port, and the opt-in fail-fast at start-up (<see cref="RedisCoordinationOptions.RequireConnectionAtStartUp"/>).
/// </summary>
public sealed class RedisHealthTests
{
    private static ServiceProvider Provider(string configuration, bool require = false)
    {
        var services = new ServiceCollection();
        services.AddHealthChecks().AddStatusHandling();
        services.AddHttpClient("farm").UseRedisCoordination(configuration, o => o.RequireConnectionAtStartUp = require);
        return services.BuildServiceProvider();
    }

    private static async Task<HealthReportEntry> CheckAsync(ServiceProvider provider, HealthStatus until)
    {
        // The link connects in the background: ask until it reports what the test waits for, for at most 15 s.
        var health = provider.GetRequiredService<HealthCheckService>();
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var entry = (await health.CheckHealthAsync()).Entries["StatusAwareHttp:farm"];
            if (entry.Status == until || watch.Elapsed > TimeSpan.FromSeconds(15))
            {
                return entry;
            }

            await Task.Delay(50);
        }
    }

    [RedisFact]
    public async Task A_connected_link_is_healthy_and_a_killed_server_makes_it_degraded()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var provider = Provider(redis.ConnectionString);
        _ = provider.GetRequiredService<IHttpClientFactory>().CreateClient("farm"); // makes the client's link

        var up = await CheckAsync(provider, HealthStatus.Healthy);
        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.Equal(true, up.Data["coordination.connected"]);

        await redis.KillAsync();
        var down = await CheckAsync(provider, HealthStatus.Degraded);
        Assert.Equal(HealthStatus.Degraded, down.Status);
        Assert.Contains($"127.0.0.1:{redis.Port}", down.Description, StringComparison.Ordinal);
        Assert.Contains("decides alone", down.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_makes_the_link_degraded_naming_the_host_and_never_the_password()
    {
        var port = LoopbackPorts.Free();
        await using var provider = Provider($"127.0.0.1:{port},password=hunter2,abortConnect=false,connectTimeout=500");
        _ = provider.GetRequiredService<IHttpClientFactory>().CreateClient("farm");

        var entry = await CheckAsync(provider, HealthStatus.Degraded);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains($"127.0.0.1:{port}", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void With_RequireConnectionAtStartUp_an_unreachable_server_stops_the_start_naming_the_host()
    {
        var port = LoopbackPorts.Free();
        using var provider = Provider($"127.0.0.1:{port},password=hunter2,connectTimeout=500", require: true);

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains($"127.0.0.1:{port}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("RequireConnectionAtStartUp", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure.Message, StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task With_RequireConnectionAtStartUp_a_live_server_lets_the_app_start()
    {
        await using var redis = await RedisServer.StartAsync();
        using var provider = Provider(redis.ConnectionString, require: true);

        provider.GetRequiredService<IStartupValidator>().Validate();
    }
}
