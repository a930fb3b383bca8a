using Microsoft.Extensions.Options;
using StatusAwareHttp.Redis.Internal;

namespace StatusAwareHttp.Redis.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void The_defaults_are_valid() =>
        Assert.True(new RedisCoordinationOptionsValidator().Validate("farm", new RedisCoordinationOptions()).Succeeded);

    public static TheoryData<string, Action<RedisCoordinationOptions>> OutOfRange => new()
    {
        { "LeaseTime", o => o.LeaseTime = TimeSpan.FromMilliseconds(99) },
        { "LeaseTime", o => o.LeaseTime = TimeSpan.FromMinutes(6) },
        { "WaitTime", o => o.WaitTime = TimeSpan.Zero },
        { "PollInterval", o => o.PollInterval = TimeSpan.FromMilliseconds(5) },
        { "OperationTimeout", o => o.OperationTimeout = TimeSpan.FromSeconds(31) },
        { "BreakDuration", o => o.BreakDuration = TimeSpan.FromMilliseconds(500) },
        { "KeyPrefix", o => o.KeyPrefix = string.Empty },
        { "Configuration", o => o.Configuration = " " },
        { "Configuration", o => o.Configuration = "127.0.0.1:6379,no-such-keyword=1" },
        { "Configuration", o => o.Configuration = "password=pw-never-quoted" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void An_option_out_of_its_range_is_refused_by_name(string option, Action<RedisCoordinationOptions> change)
    {
        var options = new RedisCoordinationOptions();
        change(options);

        var result = new RedisCoordinationOptionsValidator().Validate("farm", options);

        Assert.True(result.Failed);
        Assert.Contains($"RedisCoordination.{option} of HttpClient 'farm'", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-never-quoted", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_configuration_string_or_a_multiplexer_in_the_services_the_start_fails()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("farm").UseRedisCoordination();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("needs an IConnectionMultiplexer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Switched_off_the_parts_register_no_coordination()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("farm").UseRedisCoordination("127.0.0.1:1", o => (o.CoalesceMisses, o.ShareOriginGates) = (false, false));
        using var provider = services.BuildServiceProvider();

        Assert.IsType<NoCoordination>(provider.GetRequiredKeyedService<IHttpCacheCoordinator>("farm"));
        Assert.IsType<NoCoordination>(provider.GetRequiredKeyedService<StatusAwareHttp.IOriginGateCoordinator>("farm"));
    }

    [Fact]
    public void A_held_lease_is_released_once()
    {
        var released = 0;
        var lease = HttpCacheLease.Acquired(() => released++);

        lease.Release();
        lease.Release();
        HttpCacheLease.Alone.Release();

        Assert.Equal((HttpCacheLeaseOutcome.Acquired, 1), (lease.Outcome, released));
    }
}
