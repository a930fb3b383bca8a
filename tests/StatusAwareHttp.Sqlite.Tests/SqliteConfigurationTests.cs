using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Sqlite;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>The SQLite store's options from a configuration section: bound, and a misspelled key failing at start-up with its path.</summary>
public sealed class SqliteConfigurationTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("HttpCache:" + v.Key, v.Value)))
            .Build()
            .GetSection("HttpCache");

    private static ServiceProvider Provider(IConfigurationSection section)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("api").UseSqliteHttpCache(section);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_options_bind_from_a_section()
    {
        using var provider = Provider(Section(("Path", _folder.File()), ("MaxTotalBytes", "8388608"), ("FlushTimeout", "00:00:02")));

        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptionsMonitor<SqliteHttpCacheOptions>>().Get("api");
        Assert.Equal(_folder.File(), options.Path);
        Assert.Equal(8L * 1024 * 1024, options.MaxTotalBytes);
        Assert.Equal(TimeSpan.FromSeconds(2), options.FlushTimeout);
    }

    [Fact]
    public void A_misspelled_key_fails_at_start_up_naming_it()
    {
        using var provider = Provider(Section(("Path", _folder.File()), ("MaxTotalByte", "8388608")));

        var failure = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("HttpCache", failure.Message, StringComparison.Ordinal);
        Assert.Contains("MaxTotalByte", failure.Message, StringComparison.Ordinal);
    }
}
