namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// What keeps the cache file within a multiple of <see cref="SqliteHttpCacheOptions.MaxTotalBytes"/>, each a share of
/// it within fixed floors and ceilings: the bytes of one write transaction, the WAL size that makes the writer truncate
/// the WAL after its commit, and the free pages the database may keep before they are given back. Pure.
/// </summary>
/// <remarks>
/// <para>
/// The entries never pass <c>MaxTotalBytes</c> once a transaction commits: the writer evicts in the transaction that
/// writes. The database file holds the entries, the free pages kept (at most <see cref="FreeBytes"/>) and the pages
/// of the transaction in progress (at most <see cref="BatchBytes"/>, or one entry larger than that). The WAL holds
/// what was written since the last truncation: at most <see cref="WalBytes"/>, plus the transaction that crossed it.
/// So the three files (the shared memory is 32 KiB per 4,096 pages of WAL) stay within
/// <see cref="MaxFileBytes"/>, and within <c>MaxTotalBytes</c> plus <see cref="RestMarginBytes"/> once the store is
/// disposed (free pages given back, the WAL truncated).
/// </para>
/// </remarks>
internal static class SqliteFileBounds
{
    /// <summary>SQLite's page (the default of the library; the store does not change it).</summary>
    public const int PageBytes = 4096;

    /// <summary>How long a busy statement waits in SQLite before the store's Polly retry takes over.</summary>
    public static readonly TimeSpan BusySlice = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How much longer than <see cref="SqliteHttpCacheOptions.FlushTimeout"/> disposal may take: the statement the
    /// writer is in when the time runs out (a busy wait ends within <see cref="BusySlice"/>), and closing the file.
    /// </summary>
    public static readonly TimeSpan DisposeMargin = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a removal is remembered (a tombstone), so that an older write from another process loses to it.</summary>
    public static readonly TimeSpan TombstoneLifetime = TimeSpan.FromHours(1);

    /// <summary>The most bytes of entries one write transaction takes from the queue (one entry larger than it goes alone).</summary>
    public static long BatchBytes(long maxTotalBytes) => Math.Clamp(maxTotalBytes / 8, 256L * 1024, 8L * 1024 * 1024);

    /// <summary>The WAL size past which the writer checkpoints and truncates it after its commit.</summary>
    public static long WalBytes(long maxTotalBytes) => Math.Clamp(maxTotalBytes / 4, 1024L * 1024, 64L * 1024 * 1024);

    /// <summary>The free pages (bytes) the database keeps for reuse; past it the writer gives them back to the file system.</summary>
    public static long FreeBytes(long maxTotalBytes) => Math.Clamp(maxTotalBytes / 8, 1024L * 1024, 32L * 1024 * 1024);

    /// <summary>The most the three files take together: twice <c>MaxTotalBytes</c> and 4 MiB, or more by one larger entry.</summary>
    public static long MaxFileBytes(long maxTotalBytes, long maxEntryBytes) =>
        (2 * maxTotalBytes) + (4L * 1024 * 1024) + Math.Max(0, maxEntryBytes - BatchBytes(maxTotalBytes));

    /// <summary>What the files may take beyond <c>MaxTotalBytes</c> at rest: the schema, the indexes and page slack.</summary>
    public static long RestMarginBytes(long maxTotalBytes) => (1024L * 1024) + (maxTotalBytes / 16);

    /// <summary>The WAL pages between SQLite's own (passive) checkpoints: a quarter of <see cref="WalBytes"/>.</summary>
    public static int AutoCheckpointPages(long maxTotalBytes) => (int)(WalBytes(maxTotalBytes) / 4 / PageBytes);
}
