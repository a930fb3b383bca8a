using StatusAwareHttp.Sqlite.Internal;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>The store's pure rules: which operation on a key wins across processes, and the bounds of the files.</summary>
public sealed class SqliteRulesTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData(false, 10, 5, false, true)] // a write of a newer response replaces an older one
    [InlineData(false, 5, 10, false, false)] // a write of an older response loses to a newer one
    [InlineData(false, 5, 10, true, false)] // a response asked for before the removal loses to it (no stale resurrection)
    [InlineData(false, 10, 10, true, false)] // at equal times the removal wins
    [InlineData(false, 11, 10, true, true)] // a response asked for after the removal is stored
    [InlineData(true, 10, 5, false, true)] // a removal after the response removes it
    [InlineData(true, 10, 10, false, true)] // at equal times the removal wins
    [InlineData(true, 5, 10, false, false)] // a late removal does not undo a response asked for after it
    [InlineData(true, 10, 5, true, true)] // a newer removal renews the tombstone
    [InlineData(false, 10, 10, false, true)] // the same response again (another process): last writer
    public void The_newer_operation_wins_and_a_removal_wins_a_tie(bool removal, long time, long heldTime, bool heldRemoved, bool replaces) =>
        Assert.Equal(replaces, SqliteWriteOrder.Replaces(removal, time, heldTime, heldRemoved));

    [Fact]
    public void A_write_carries_the_latest_request_time_of_its_variants()
    {
        var t = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        HttpCacheEntry Entry(DateTimeOffset requested) => new(200, [], Array.Empty<byte>(), requested, requested.AddSeconds(1), []);
        Assert.Equal(t.AddSeconds(5).UtcTicks, SqliteWriteOrder.TimeOf([Entry(t), Entry(t.AddSeconds(5)), Entry(t.AddSeconds(2))]));
    }

    [Theory]
    [InlineData(1 * MiB, 256 * 1024, 1 * MiB, 1 * MiB)] // the floors
    [InlineData(8 * MiB, 1 * MiB, 2 * MiB, 1 * MiB)]
    [InlineData(256 * MiB, 8 * MiB, 64 * MiB, 32 * MiB)] // the default MaxTotalBytes
    [InlineData(64L * 1024 * MiB, 8 * MiB, 64 * MiB, 32 * MiB)] // the ceilings
    public void The_batch_the_WAL_and_the_free_pages_are_shares_of_MaxTotalBytes_within_floors_and_ceilings(long max, long batch, long wal, long free)
    {
        Assert.Equal(batch, SqliteFileBounds.BatchBytes(max));
        Assert.Equal(wal, SqliteFileBounds.WalBytes(max));
        Assert.Equal(free, SqliteFileBounds.FreeBytes(max));
        Assert.Equal((int)(wal / 4 / 4096), SqliteFileBounds.AutoCheckpointPages(max));
    }

    [Theory]
    [InlineData(8 * MiB, 1 * MiB, 20 * MiB)] // twice the limit and 4 MiB
    [InlineData(8 * MiB, 8 * MiB, 27 * MiB)] // one entry larger than a batch adds its excess
    [InlineData(256 * MiB, 32 * MiB, 540 * MiB)]
    public void The_files_bound_is_twice_MaxTotalBytes_and_4_MiB_and_any_entry_larger_than_a_batch(long max, long maxEntry, long files) =>
        Assert.Equal(files, SqliteFileBounds.MaxFileBytes(max, maxEntry));
}
