using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Sqlite.Internal;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Sqlite.Tests.Infrastructure.StoreEntries;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// Each stored body keeps its digest (a SHA-256 per 64 KiB chunk) and is checked when read: a body changed on disk is a
/// miss with a warning (event 713, never the URI's query) and its entry is removed; the origin's bytes are served and
/// stored anew. A file of schema version 3 (no digests) is brought up and still serves.
/// </summary>
public sealed class SqliteDigestTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(500, 0)] // in the variant's row
    [InlineData(20_000, 19_999)] // in a row of its own, read as one value
    [InlineData(200_000, 150_000)] // in a row of its own, read in chunks through blob I/O
    public async Task A_body_flipped_on_disk_is_a_miss_with_a_warning_and_the_origin_s_bytes_are_served(int size, int flipAt)
    {
        var content = RandomNumberGenerator.GetBytes(size);
        var served = 0;
        await using var origin = await LoopbackServer.StartAsync(app => app.MapGet("/file", (HttpContext c) =>
        {
            Interlocked.Increment(ref served);
            c.Response.Headers.CacheControl = "max-age=3600";
            return Results.Bytes(content, "application/octet-stream");
        }));
        await using var client = TestClient.Create(builder: b => b.UseSqliteHttpCache(_folder.File(), o => o.MemoryFrontLifetime = TimeSpan.Zero));
        var url = origin.Url("/file?secret=s3cr3t");
        Assert.Equal(content, await client.Client.GetByteArrayAsync(url));
        await FlushAsync(client);
        Assert.Equal(content, await client.Client.GetByteArrayAsync(url));
        Assert.Equal(1, served);

        // Another connection changes one byte of the stored body (as a torn write or a flipped bit would).
        FlipStoredByte(_folder.File(), size, flipAt);

        using (var after = await client.Client.GetAsync(url))
        {
            Assert.Equal(content, await after.Content.ReadAsByteArrayAsync());
            Assert.DoesNotContain("hit", string.Join(",", after.Headers.GetValues("Cache-Status")), StringComparison.Ordinal);
        }

        Assert.Equal(2, served);
        var warning = Assert.Single(client.Logs.GetSnapshot(), r => r.Id.Id == 713);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.All(client.Logs.GetSnapshot(), r => Assert.DoesNotContain("s3cr3t", r.Message, StringComparison.Ordinal));

        // Stored anew from the origin's answer: served from the file, every byte right.
        await FlushAsync(client);
        using var again = await client.Client.GetAsync(url);
        Assert.Equal(content, await again.Content.ReadAsByteArrayAsync());
        Assert.Contains("hit", string.Join(",", again.Headers.GetValues("Cache-Status")), StringComparison.Ordinal);
        Assert.Equal(2, served);
    }

    [Theory]
    [InlineData(100_000)] // read whole with its row
    [InlineData(300_000)] // over SqliteSession.DeferredBodyBytes: read when used
    public async Task A_byte_flipped_in_the_file_itself_is_a_miss_and_the_entry_is_removed(int size)
    {
        var path = _folder.File();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var body = RandomNumberGenerator.GetBytes(size);
        var now = time.GetUtcNow();
        var stored = new HttpCacheEntry(200, [new("Cache-Control", "max-age=600"), new("Date", now.ToString("R"))], body, now, now, []);
        using (var store = Store(path, time))
        {
            await store.SetAsync("k", [stored], null, default);
            await store.FlushAsync();
        }

        // The closed file holds the body in its pages (the WAL was folded in): one byte of it flipped, as a bad sector would.
        var file = File.ReadAllBytes(path);
        var at = file.AsSpan().IndexOf(body.AsSpan(size - 1000, 64));
        Assert.True(at > 0, "the body's bytes are in the file");
        file[at + 10] ^= 0x01;
        File.WriteAllBytes(path, file);

        var logs = new FakeLogCollector();
        using (var store = Store(path, time, logger: new FakeLogger(logs)))
        {
            // A large body is read when it is used: the entry comes back, and its body cannot be loaded.
            if (await store.GetAsync("k", default) is { } read)
            {
                Assert.True(size > SqliteSession.DeferredBodyBytes);
                Assert.True(MemoryMarshal.TryGetMemoryManager<byte, HttpCacheDeferredBody>(Assert.Single(read).Body, out var deferred));
                Assert.False(deferred.TryLoad());
                Assert.Throws<IOException>(() => Assert.Single(read).Body.Span[0]);
            }

            Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 713);
            await store.FlushAsync();
            Assert.Null(await store.GetAsync("k", default));
        }

        Assert.Equal(0, Scalar(path, "SELECT count(*) FROM http_cache_variants"));
    }

    [Fact]
    public async Task A_file_of_schema_version_3_is_brought_up_and_its_entries_still_serve_unchecked()
    {
        var path = _folder.File();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using (var store = Store(path, time))
        {
            await store.SetAsync("small", [Entry(time.GetUtcNow(), 100, fill: 5)], null, default);
            await store.SetAsync("large", [Entry(time.GetUtcNow(), 150_000, fill: 6)], null, default);
        }

        // Back to version 3's layout: no digests.
        Execute(path, "ALTER TABLE http_cache_variants DROP COLUMN digest; PRAGMA user_version = 3;");

        using (var store = Store(path, time))
        {
            Assert.All(Assert.Single((await store.GetAsync("small", default))!).Body.ToArray(), b => Assert.Equal(5, b));
            var large = Assert.Single((await store.GetAsync("large", default))!);
            Assert.Equal(150_000, large.Body.Length);
            Assert.All(large.Body.ToArray(), b => Assert.Equal(6, b));
            await store.SetAsync("new", [Entry(time.GetUtcNow(), 100_000, fill: 7)], null, default);
            await store.FlushAsync();
        }

        Assert.Equal(SqliteSchema.Version, Scalar(path, "PRAGMA user_version"));

        // The rows written before keep no digest (read unchecked until replaced); the one written since has one.
        Assert.Equal(2, Scalar(path, "SELECT count(*) FROM http_cache_variants WHERE digest IS NULL"));
        Assert.Equal(1, Scalar(path, "SELECT count(*) FROM http_cache_variants WHERE digest IS NOT NULL"));
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.unusable-*"));
    }

    private static Task FlushAsync(TestClient client) =>
        client.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name).FlushAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Flips byte <paramref name="at"/> of the one stored body of <paramref name="size"/> bytes, in a transaction of another connection.</summary>
    private static void FlipStoredByte(string path, int size, int at)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        var apart = size > SqliteSchema.InlineBodyBytes;
        var table = apart ? "http_cache_bodies" : "http_cache_variants";
        using var find = connection.CreateCommand();
        find.CommandText = $"SELECT id FROM {table} WHERE length(body) = {size}";
        var id = (long)find.ExecuteScalar()!;
        using var blob = new SqliteBlob(connection, table, "body", id);
        var one = new byte[1];
        blob.Position = at;
        blob.ReadExactly(one);
        one[0] ^= 0x40;
        blob.Position = at;
        blob.Write(one);
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
