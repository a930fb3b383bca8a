using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// The SQLite store's health through <c>AddHealthChecks().AddStatusHandling()</c> (in use, or bypassed when its folder
/// cannot be made), and the opt-in fail-fast at start-up (<c>RequireFileAtStartUp</c>).
/// </summary>
public sealed class SqliteHealthTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ServiceProvider Provider(string path, bool require = false)
    {
        var services = new ServiceCollection();
        services.AddHealthChecks().AddStatusHandling();
        services.AddHttpClient("api").UseSqliteHttpCache(path, o => o.RequireFileAtStartUp = require);
        return services.BuildServiceProvider();
    }

    private static async Task<HealthReportEntry> CheckAsync(ServiceProvider provider) =>
        (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["StatusAwareHttp:api"];

    /// <summary>A path whose folder cannot be made: its parent is a file.</summary>
    private string Unusable()
    {
        var blocker = _folder.File("not-a-folder");
        File.WriteAllText(blocker, "a file where the cache's folder should be");
        return Path.Combine(blocker, "cache.db");
    }

    [Fact]
    public async Task A_file_in_use_is_healthy_with_its_path_and_size_against_its_bound()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        await using var provider = Provider(_folder.File());
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        Assert.Equal("n:1", await client.GetStringAsync(origin.Url("/n/1")));

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(_folder.File(), entry.Data["store.path"]);
        Assert.True((long)entry.Data["store.fileBytes"] > 0);
        Assert.True((long)entry.Data["store.fileBytes"] <= (long)entry.Data["store.maxFileBytes"]);
    }

    [Fact]
    public async Task A_bypassed_file_makes_the_check_degraded_while_requests_still_succeed()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        var path = Unusable();
        await using var provider = Provider(path);
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        Assert.Equal("n:1", await client.GetStringAsync(origin.Url("/n/1")));

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal(true, entry.Data["store.bypassed"]);
        Assert.Contains("bypassed", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void With_RequireFileAtStartUp_a_file_that_cannot_be_opened_stops_the_start_naming_the_path()
    {
        var path = Unusable();
        using var provider = Provider(path, require: true);

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
        Assert.Contains("RequireFileAtStartUp", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_RequireFileAtStartUp_a_usable_path_starts_and_the_file_is_made()
    {
        using var provider = Provider(_folder.File(), require: true);

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.True(File.Exists(_folder.File()));
    }
}
