using StatusAwareHttp.Sqlite.Tests.Infrastructure;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// The SQLite store under <see cref="StatusAwareHttpHandler.Create"/>, for console and desktop apps without DI: the
/// handler makes the store through <see cref="StatusAwareHttpHandlerServices.ConfigureClient"/>, validates its options
/// at creation, and disposes it (writing what it holds) with itself, so the next handler on the file is served from it.
/// </summary>
public sealed class SqliteWithoutContainerTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private HttpClient Client() => new(StatusAwareHttpHandler.Create(new SocketsHttpHandler(), services: new StatusAwareHttpHandlerServices
    {
        ConfigureClient = client => client.UseSqliteHttpCache(_folder.File()),
    }));

    [Fact]
    public async Task What_one_handler_stored_is_served_to_the_next_from_the_file()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            using var first = Client();
            Assert.Equal("n:" + i, await first.GetStringAsync(origin.Url("/n/" + i)));
        }

        using var second = Client();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("n:" + i, await second.GetStringAsync(origin.Url("/n/" + i)));
        }

        Assert.Equal(20, Enumerable.Range(0, 20).Sum(i => origin.CountFor("/n/" + i)));
    }

    [Fact]
    public void An_invalid_store_option_throws_at_creation()
    {
        using var inner = new SocketsHttpHandler();
        var services = new StatusAwareHttpHandlerServices
        {
            ConfigureClient = client => client.UseSqliteHttpCache(_folder.File(), o => o.MaxTotalBytes = -1),
        };

        var invalid = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => StatusAwareHttpHandler.Create(inner, services: services));

        Assert.Contains("MaxTotalBytes", invalid.Message, StringComparison.Ordinal);
    }
}
