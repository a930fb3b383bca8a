using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Configuration.ConfigurationBindingTests;

namespace StatusAwareHttp.Tests.QueryMethod;

/// <summary><see cref="CacheOptions.MaxQueryContentBytes"/>: its default, its range checked at start, and binding.</summary>
public sealed class QueryOptionsTests
{
    [Theory]
    [InlineData(-1L, false)]
    [InlineData(0L, true)]
    [InlineData(16L * 1024 * 1024, true)]
    [InlineData(16L * 1024 * 1024 + 1, false)]
    public void MaxQueryContentBytes_is_validated_at_start(long value, bool valid)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("v").AddStatusHandling(o => o.Cache.MaxQueryContentBytes = value);
        using var provider = services.BuildServiceProvider();
        var failure = Record.Exception(() => provider.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get("v"));
        Assert.Equal(valid, failure is null);
        if (!valid)
        {
            Assert.Contains("MaxQueryContentBytes", Assert.IsType<OptionsValidationException>(failure).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void MaxQueryContentBytes_is_64_KiB_by_default_and_binds_from_configuration()
    {
        Assert.Equal(64 * 1024, new CacheOptions().MaxQueryContentBytes);
        var services = new ServiceCollection();
        services.AddHttpClient(TestClient.Name).AddStatusHandling(Section("StatusHandling", ("Cache:MaxQueryContentBytes", "1024")));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(1024, provider.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get(TestClient.Name).Cache.MaxQueryContentBytes);
    }

    [Theory]
    [InlineData(true, null, false, true)]
    [InlineData(true, 60, false, true)]
    [InlineData(true, null, true, true)]
    [InlineData(false, null, false, false)]
    [InlineData(true, 60, true, false)]
    public void A_rule_may_have_PostIsQuery_as_its_only_effect(bool postIsQuery, int? lifetimeSeconds, bool noStore, bool valid)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("v").AddStatusHandling(o => o.Cache.Rules.Add(new CacheRule
        {
            PathPrefix = "/graphql",
            PostIsQuery = postIsQuery,
            Lifetime = lifetimeSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
            NoStore = noStore,
        }));
        using var provider = services.BuildServiceProvider();
        var failure = Record.Exception(() => provider.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get("v"));
        Assert.Equal(valid, failure is null);
    }
}
