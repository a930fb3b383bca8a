using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Sqlite;
using StatusAwareHttp.Sqlite.Internal;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;

namespace StatusAwareHttp.Sqlite.Tests;

public sealed class SqliteRegistrationTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_defaults_are_the_documented_ones()
    {
        var options = new SqliteHttpCacheOptions();
        Assert.Null(options.Path);
        Assert.Equal(256L * 1024 * 1024, options.MaxTotalBytes);
        Assert.Equal(32L * 1024 * 1024, options.MaxEntryBytes);
        Assert.Equal(TimeSpan.FromSeconds(1), options.MemoryFrontLifetime);
        Assert.Equal(4L * 1024 * 1024, options.MemoryFrontMaxBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), options.BusyTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.BypassDuration);
    }

    [Theory]
    [InlineData("MaxTotalBytes", "MaxTotalBytes must be from 1048576")]
    [InlineData("MaxEntryBytes", "MaxEntryBytes must be from 1024")]
    [InlineData("MemoryFrontLifetime", "MemoryFrontLifetime must be from")]
    [InlineData("BusyTimeout", "BusyTimeout must be from")]
    [InlineData("Path", "Path must be a file path")]
    public void Invalid_options_fail_at_start_up_naming_the_option(string option, string message)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("api").UseSqliteHttpCache(_folder.File(), o =>
        {
            switch (option)
            {
                case "MaxTotalBytes": o.MaxTotalBytes = 1000; break;
                case "MaxEntryBytes": o.MaxEntryBytes = 100; break;
                case "MemoryFrontLifetime": o.MemoryFrontLifetime = TimeSpan.FromHours(2); break;
                case "BusyTimeout": o.BusyTimeout = TimeSpan.FromSeconds(-1); break;
                default: o.Path = "  "; break;
            }
        });
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<SqliteHttpCacheOptions>>().Get("api"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_store_is_the_clients_keyed_singleton_on_the_configured_file()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("api").UseSqliteHttpCache(_folder.File("api.db"));
        services.AddHttpClient("other");
        using var provider = services.BuildServiceProvider();
        var store = Assert.IsType<SqliteHttpCacheStore>(provider.GetRequiredKeyedService<IHttpCacheStore>("api"));
        Assert.Equal(_folder.File("api.db"), store.Path);
        Assert.Null(provider.GetKeyedService<IHttpCacheStore>("other"));
    }

    [Fact]
    public void Without_a_path_the_file_goes_in_a_per_user_folder_named_after_the_app_and_the_path_is_logged()
    {
        var path = SqliteDefaultPath.For("My:App");
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        Assert.Equal(Path.Combine(string.IsNullOrEmpty(root) ? Path.GetTempPath() : root, OperatingSystem.IsWindows() ? "My_App" : "My:App", "http-cache.db"), path);

        var services = new ServiceCollection();
        services.AddLogging(l => l.AddFakeLogging());
        services.AddHttpClient("api").UseSqliteHttpCache();
        using var provider = services.BuildServiceProvider();
        var store = Assert.IsType<SqliteHttpCacheStore>(provider.GetRequiredKeyedService<IHttpCacheStore>("api"));
        Assert.Equal(SqliteDefaultPath.For(System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name), store.Path);
        var logged = Assert.Single(provider.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 700);
        Assert.Equal(LogLevel.Information, logged.Level);
        Assert.Contains(store.Path, logged.Message, StringComparison.Ordinal);
    }
}
