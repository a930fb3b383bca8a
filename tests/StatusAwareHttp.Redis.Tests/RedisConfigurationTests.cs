using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Redis;

namespace StatusAwareHttp.Redis.Tests;

/// <summary>Redis coordination's options from a configuration section: bound, and a misspelled key failing at start-up with its path.</summary>
public sealed class RedisConfigurationTests
{
    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Farm:" + v.Key, v.Value)))
            .Build()
            .GetSection("Farm");

    private static ServiceProvider Provider(IConfigurationSection section)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("api").UseRedisCoordination(section);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_options_bind_from_a_section()
    {
        using var provider = Provider(Section(("Configuration", "127.0.0.1:1,abortConnect=false"), ("LeaseTime", "00:00:05"), ("ShareOriginGates", "false")));

        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptionsMonitor<RedisCoordinationOptions>>().Get("api");
        Assert.Equal("127.0.0.1:1,abortConnect=false", options.Configuration);
        Assert.Equal(TimeSpan.FromSeconds(5), options.LeaseTime);
        Assert.False(options.ShareOriginGates);
    }

    [Fact]
    public void A_misspelled_key_fails_at_start_up_naming_it()
    {
        using var provider = Provider(Section(("Configuration", "127.0.0.1:1,abortConnect=false"), ("LeaseTimeout", "00:00:05")));

        var failure = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Farm", failure.Message, StringComparison.Ordinal);
        Assert.Contains("LeaseTimeout", failure.Message, StringComparison.Ordinal);
    }
}
