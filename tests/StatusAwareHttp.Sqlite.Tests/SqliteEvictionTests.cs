using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Sqlite.Internal;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using static StatusAwareHttp.Sqlite.Tests.Infrastructure.StoreEntries;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>Byte-bounded eviction: expired entries without validators or stale windows first, then least recently used.</summary>
public sealed class SqliteEvictionTests : IDisposable
{
    private const int Body = 100 * 1024;

    private readonly SqliteTestFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Over_the_limit_the_expired_go_first_then_the_least_recently_used_in_the_background()
    {
        using var store = Store(_folder.File(), _time, o => o.MaxTotalBytes = 1024 * 1024);

        // "expired" can no longer be used after 10 s (no validator, no stale window: its time-to-live says so).
        await store.SetAsync("expired", [Entry(_time.GetUtcNow(), Body)], TimeSpan.FromSeconds(10), default);
        for (var i = 0; i < 8; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await store.SetAsync($"k{i}", [Entry(_time.GetUtcNow(), Body)], null, default);
        }

        // k0 is the oldest write, but read since: k1 is now the least recently used.
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.NotNull(await store.GetAsync("k0", default));
        store.RunMaintenance();
        await store.WhenIdle();

        // Two more writes go over 1 MiB; eviction runs off the request path, down to 90%.
        _time.Advance(TimeSpan.FromSeconds(1));
        await store.SetAsync("k8", [Entry(_time.GetUtcNow(), Body)], null, default);
        await store.SetAsync("k9", [Entry(_time.GetUtcNow(), Body)], null, default);
        await store.WhenIdle();

        Assert.Null(await store.GetAsync("expired", default));
        Assert.Null(await store.GetAsync("k1", default));
        Assert.NotNull(await store.GetAsync("k0", default));
        foreach (var kept in (string[])["k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"])
        {
            Assert.NotNull(await store.GetAsync(kept, default));
        }

        Assert.InRange(store.TotalBytes(), 1, 1024 * 1024 * 9 / 10);
    }

    [Fact]
    public async Task Reads_write_nothing_yet_the_writer_evicts_the_least_recently_read_first()
    {
        var path = _folder.File();
        using var store = Store(path, _time, o => o.MaxTotalBytes = 1024 * 1024);
        for (var i = 0; i < 8; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await store.SetAsync($"k{i}", [Entry(_time.GetUtcNow(), Body)], null, default);
        }

        await store.WhenIdle();
        using var watcher = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        watcher.Open();
        var before = DataVersion(watcher);
        var walBefore = new FileInfo(path + "-wal").Length;

        // Read in the order k2, k0, k4, k3, then the rest but k1 and k5, far more reads than any batch used to hold.
        _time.Advance(TimeSpan.FromSeconds(5));
        foreach (var key in (string[])["k2", "k0", "k4", "k3", "k6", "k7"])
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            for (var n = 0; n < 100; n++)
            {
                Assert.NotNull(await store.GetAsync(key, default));
            }
        }

        await store.WhenIdle();
        Assert.Equal(before, DataVersion(watcher));
        Assert.Equal(walBefore, new FileInfo(path + "-wal").Length);

        // Three more writes go over 1 MiB: the writer writes the reads, then evicts down to 90%: k1 and k5, never read.
        _time.Advance(TimeSpan.FromSeconds(1));
        foreach (var key in (string[])["k8", "k9", "k10"])
        {
            await store.SetAsync(key, [Entry(_time.GetUtcNow(), Body)], null, default);
        }

        await store.WhenIdle();

        Assert.Null(await store.GetAsync("k1", default));
        Assert.Null(await store.GetAsync("k5", default));
        foreach (var kept in (string[])["k0", "k2", "k3", "k4", "k6", "k7", "k8", "k9", "k10"])
        {
            Assert.NotNull(await store.GetAsync(kept, default));
        }

        // The order kept in the file: the reads in the order made, then the newer writes.
        Assert.Equal(["k2", "k0", "k4", "k3", "k6", "k7", "k8", "k9", "k10"], LeastRecentlyUsedFirst(watcher));
    }

    private static long DataVersion(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA data_version";
        return (long)command.ExecuteScalar()!;
    }

    private static List<string> LeastRecentlyUsedFirst(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key FROM http_cache_keys WHERE removed = 0 ORDER BY last_access, id";
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    [Fact]
    public async Task The_total_counts_replacements_and_removals_once()
    {
        using var store = Store(_folder.File(), _time);
        await store.SetAsync("a", [Entry(_time.GetUtcNow(), Body)], null, default);
        var one = store.TotalBytes();
        await store.SetAsync("a", [Entry(_time.GetUtcNow(), Body, fill: 2)], null, default);
        Assert.Equal(one, store.TotalBytes());
        await store.RemoveAsync("a", default);

        // What is left is the removal's tombstone (kept so an older write from another process loses to it).
        Assert.Equal(SqliteSession.RowOverhead + SqlitePendingWrite.KeyBytes("a"), store.TotalBytes());
    }

    [Fact]
    public async Task An_entry_over_MaxEntryBytes_is_not_written_and_removes_the_older_one()
    {
        using var store = Store(_folder.File(), _time, o => o.MaxEntryBytes = 64 * 1024);
        await store.SetAsync("a", [Entry(_time.GetUtcNow(), 1024)], null, default);
        await store.SetAsync("a", [Entry(_time.GetUtcNow(), 65 * 1024)], null, default);
        Assert.Null(await store.GetAsync("a", default));
    }
}
