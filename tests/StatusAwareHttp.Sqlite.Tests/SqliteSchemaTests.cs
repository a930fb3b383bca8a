using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Sqlite.Internal;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using static StatusAwareHttp.Sqlite.Tests.Infrastructure.StoreEntries;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// The file's schema: a 304's update rewrites the variant's row (header fields and times), never its body (over 2 KiB:
/// in a row of its own), whose row stays as it was; and a file of the previous schema version is brought up to this
/// one with its entries kept.
/// </summary>
public sealed class SqliteSchemaTests : IDisposable
{
    private const int HeaderBytes = 1024;
    private const int BodyBytes = 64 * 1024;

    private readonly SqliteTestFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_304_update_rewrites_the_header_row_and_never_the_body()
    {
        var path = _folder.File();
        using var store = Store(path, _time);
        var stored = Entry(_time.GetUtcNow(), BodyBytes, extra: new KeyValuePair<string, string>("X-Padding", new string('p', HeaderBytes)));
        await store.SetAsync("k", [stored], null, default);
        await store.FlushAsync();
        var bodyRow = BodyRows(path);
        var full = store.PagesWritten;

        // The 304: the stored body (the same bytes, as the cache merges it), new Date and times.
        const int Updates = 20;
        for (var i = 0; i < Updates; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            var now = _time.GetUtcNow();
            var updated = new HttpCacheEntry(200, [new("Cache-Control", "max-age=60"), new("Date", now.ToString("R")), new("X-Padding", new string('p', HeaderBytes))], stored.Body, now, now, []);
            await store.SetAsync("k", [updated], null, default);
            await store.FlushAsync();
        }

        var perUpdate = (store.PagesWritten - full) / (double)Updates;
        Assert.Equal(bodyRow, BodyRows(path));
        // SQLite writes whole pages: the variant's row, the key's row and its last-use index; never the body's 16 pages.
        Assert.True(perUpdate <= 3, $"{perUpdate} pages per 304 against {full} for the first write");
        var read = Assert.Single((await store.GetAsync("k", default))!);
        Assert.Equal(_time.GetUtcNow(), read.ResponseTime);
        Assert.Equal(stored.Body.ToArray(), read.Body.ToArray());

        // A body that did change is written (its row is new).
        await store.SetAsync("k", [Entry(_time.GetUtcNow(), BodyBytes, fill: 2)], null, default);
        await store.FlushAsync();
        Assert.NotEqual(bodyRow, BodyRows(path));
        Assert.Equal(2, Assert.Single((await store.GetAsync("k", default))!).Body.Span[0]);
    }

    [Fact]
    public async Task A_file_of_schema_version_2_is_brought_up_to_this_one_with_its_entries()
    {
        var path = _folder.File();
        using (var store = Store(path, _time))
        {
            await store.SetAsync("a", [Entry(_time.GetUtcNow(), 100)], null, default);
            await store.SetAsync("b", [Entry(_time.GetUtcNow(), BodyBytes + 10, fill: 3)], null, default);
        }

        // Back to version 2's layout: every body in its variant's row.
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                DROP TRIGGER http_cache_variants_removed;
                DROP TRIGGER http_cache_keys_resized;
                UPDATE http_cache_variants SET body = (SELECT body FROM http_cache_bodies b WHERE b.id = http_cache_variants.id) WHERE apart = 1;
                ALTER TABLE http_cache_variants DROP COLUMN apart;
                ALTER TABLE http_cache_variants DROP COLUMN digest;
                DROP TABLE http_cache_bodies;
                PRAGMA user_version = 2;
                """;
            command.ExecuteNonQuery();
        }

        using (var store = Store(path, _time))
        {
            Assert.Equal(100, Assert.Single((await store.GetAsync("a", default))!).Body.Length);
            var b = Assert.Single((await store.GetAsync("b", default))!);
            Assert.Equal(BodyBytes + 10, b.Body.Length);
            Assert.All(b.Body.ToArray(), x => Assert.Equal(3, x));
            await store.RemoveAsync("a", default);
            await store.SetAsync("c", [Entry(_time.GetUtcNow(), BodyBytes, fill: 4)], null, default);
            await store.FlushAsync();
            Assert.Null(await store.GetAsync("a", default));
            Assert.Equal(4, Assert.Single((await store.GetAsync("c", default))!).Body.Span[^1]);
        }

        // The body stored before stays in its row; the one written since has a row of its own.
        Assert.Equal(SqliteSchema.Version, Scalar(path, "PRAGMA user_version"));
        Assert.Equal(1, Scalar(path, "SELECT count(*) FROM http_cache_bodies"));
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.unusable-*"));
    }

    private static long BodyRows(string path) => Scalar(path, "SELECT max(rowid) * 1000 + count(*) FROM http_cache_bodies");

    private static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
