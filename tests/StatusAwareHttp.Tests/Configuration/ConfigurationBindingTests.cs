using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Configuration;

/// <summary>
/// The core options and the distributed store's options from configuration: values bound, and a key the options do
/// not have (a misspelling at any depth, or an unknown section) failing at start-up with the key's path, where it
/// used to be ignored.
/// </summary>
public sealed class ConfigurationBindingTests
{
    public static IConfigurationSection Section(string name, params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(name + ":" + v.Key, v.Value)))
            .Build()
            .GetSection(name);

    private static ServiceProvider Provider(Action<IHttpClientBuilder> add)
    {
        var services = new ServiceCollection();
        services.AddDistributedMemoryCache();
        add(services.AddHttpClient(TestClient.Name));
        return services.BuildServiceProvider();
    }

    /// <summary>What a host does when it starts: every option registered with ValidateOnStart is made and checked.</summary>
    private static Exception? StartUp(ServiceProvider provider) =>
        Record.Exception(() => provider.GetRequiredService<IStartupValidator>().Validate());

    [Theory]
    [InlineData("Retries:MaxRetry", "2", "StatusHandling:Retries", "MaxRetry")]
    [InlineData("Retry:MaxRetries", "2", "StatusHandling:Retry", "Retry")]
    [InlineData("Cache:MaxEntrySise", "1024", "StatusHandling:Cache", "MaxEntrySise")]
    [InlineData("Redirects:MaxRedirect", "3", "StatusHandling:Redirects", "MaxRedirect")]
    [InlineData("Errors:ThrowOnError", "true", "StatusHandling:Errors", "ThrowOnError")]
    [InlineData("Authentication:Credentials", "secret", "StatusHandling:Authentication:Credentials", "Credentials")]
    public void A_key_the_status_handling_options_do_not_have_fails_at_start_up_naming_it(string key, string value, string path, string unknown)
    {
        using var provider = Provider(b => b.AddStatusHandling(Section("StatusHandling", (key, value))));

        var failure = StartUp(provider);

        Assert.IsType<InvalidOperationException>(failure);
        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
        Assert.Contains(unknown, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Known_keys_in_any_case_bind_and_start()
    {
        using var provider = Provider(b => b.AddStatusHandling(Section("StatusHandling", ("retries:maxretries", "1"), ("Authentication:enabled", "false"), ("SensitiveHeaders:0", "X-Api-Key"))));

        Assert.Null(StartUp(provider));
        var options = provider.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get(TestClient.Name);
        Assert.Equal(1, options.Retries.MaxRetries);
        Assert.False(options.Authentication.Enabled);
    }

    [Fact]
    public void The_distributed_store_options_bind_from_a_section()
    {
        using var provider = Provider(b => b.UseDistributedHttpCache(Section("HttpCache", ("OperationTimeout", "00:00:00.400"), ("KeyPrefix", "app:"), ("MemoryFrontMaxBytes", "2048"))));

        Assert.Null(StartUp(provider));
        var options = provider.GetRequiredService<IOptionsMonitor<DistributedHttpCacheOptions>>().Get(TestClient.Name);
        Assert.Equal(TimeSpan.FromMilliseconds(400), options.OperationTimeout);
        Assert.Equal("app:", options.KeyPrefix);
        Assert.Equal(2048, options.MemoryFrontMaxBytes);
    }

    [Fact]
    public void A_misspelled_distributed_store_key_fails_at_start_up_naming_it()
    {
        using var provider = Provider(b => b.UseDistributedHttpCache(Section("HttpCache", ("OperationTimout", "00:00:01"))));

        var failure = StartUp(provider);

        Assert.IsType<InvalidOperationException>(failure);
        Assert.Contains("HttpCache", failure.Message, StringComparison.Ordinal);
        Assert.Contains("OperationTimout", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configure_overload_of_the_distributed_store_runs_after_the_binding()
    {
        using var provider = Provider(b => b.UseDistributedHttpCache(Section("HttpCache", ("KeyPrefix", "bound:")), o => o.KeyPrefix += "code:"));

        Assert.Null(StartUp(provider));
        Assert.Equal("bound:code:", provider.GetRequiredService<IOptionsMonitor<DistributedHttpCacheOptions>>().Get(TestClient.Name).KeyPrefix);
        Assert.NotNull(provider.GetRequiredService<IDistributedCache>());
    }
}
