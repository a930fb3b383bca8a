using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>IHttpCache over the SQLite store: what a second app instance on the same file lists and removes.</summary>
public sealed class SqliteInspectionTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private TestClient Client() =>
        TestClient.Create(builder: b => b.UseSqliteHttpCache(_folder.File(), o => o.MemoryFrontLifetime = TimeSpan.Zero));

    [Fact]
    public async Task Lists_removes_by_uri_and_prefix_and_clears_the_file()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        await using (var first = Client())
        {
            foreach (var name in new[] { "a", "b", "c" })
            {
                using var _ = await first.Client.GetAsync(origin.Url("/n/" + name));
            }
        }

        await using var second = Client();
        var cache = second.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name);

        Assert.True(cache.CanEnumerate);
        var entries = new List<HttpCacheEntryInfo>();
        await foreach (var entry in cache.GetEntriesAsync())
        {
            entries.Add(entry);
        }

        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal(200, e.StatusCode));
        Assert.Equal(1, await cache.RemoveAsync(origin.Url("/n/a")));
        Assert.Equal(1, await cache.RemoveByPrefixAsync(origin.Url("/n/b").ToString()));
        var left = new List<HttpCacheEntryInfo>();
        await foreach (var entry in cache.GetEntriesAsync())
        {
            left.Add(entry);
        }

        Assert.Equal("/n/c", Assert.Single(left).Uri.AbsolutePath);
        await cache.ClearAsync();
        await foreach (var entry in cache.GetEntriesAsync())
        {
            Assert.Fail("still stored: " + entry.Uri);
        }
    }
}
