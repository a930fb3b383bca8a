namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>One write (<see cref="Variants"/> set) or removal (<see langword="null"/>) of a key, waiting for the file.</summary>
internal sealed class SqlitePendingWrite
{
    /// <summary>A key's bytes in the queue beyond its variants (the key, the object).</summary>
    private const int Overhead = 128;

    private SqlitePendingWrite(string key, EncodedVariant[]? variants, IReadOnlyList<HttpCacheEntry>? entries, long? expiresTicks, long nowTicks, long time, long size)
    {
        Key = key;
        Variants = variants;
        Entries = entries;
        ExpiresTicks = expiresTicks;
        NowTicks = nowTicks;
        Time = time;
        EntryBytes = size + KeyBytes(key);
        Size = size + Overhead + (2L * key.Length);
    }

    public string Key { get; }

    /// <summary>Gets the encoded variants to write; <see langword="null"/> for a removal.</summary>
    public EncodedVariant[]? Variants { get; }

    /// <summary>Gets the entries as stored (what a read of this process is served meanwhile); <see langword="null"/> for a removal.</summary>
    public IReadOnlyList<HttpCacheEntry>? Entries { get; }

    /// <summary>Gets when the entries can no longer be used; for a removal, when its tombstone may go.</summary>
    public long? ExpiresTicks { get; }

    /// <summary>Gets when it was queued: the key's last access time in the file.</summary>
    public long NowTicks { get; }

    /// <summary>Gets the time it carries, which orders it against other operations on the key (<see cref="SqliteWriteOrder"/>).</summary>
    public long Time { get; }

    /// <summary>Gets what the key's row counts against <c>MaxTotalBytes</c> (for a removal, its tombstone's).</summary>
    public long EntryBytes { get; }

    /// <summary>Gets what it counts against the queue's bound.</summary>
    public long Size { get; }

    /// <summary>Gets the tags its key is filed under in the file (<see cref="HttpCacheTags"/>); none for a removal.</summary>
    public IReadOnlyList<string> Tags { get; private init; } = [];

    /// <summary>Gets or sets its order in the queue (a replacement keeps the replaced one's).</summary>
    internal long Sequence { get; set; }

    /// <summary>Gets or sets its place in the queue; <see langword="null"/> once taken by the writer.</summary>
    internal LinkedListNode<SqlitePendingWrite>? Node { get; set; }

    /// <summary>A write of <paramref name="entries"/>: it carries the latest request time among them.</summary>
    public static SqlitePendingWrite Write(string key, EncodedVariant[] variants, IReadOnlyList<HttpCacheEntry> entries, long? expiresTicks, long nowTicks, long size) =>
        new(key, variants, entries, expiresTicks, nowTicks, SqliteWriteOrder.TimeOf(entries), size) { Tags = HttpCacheTags.For(key, entries) };

    /// <summary>A removal made at <paramref name="nowTicks"/>: it carries that time, and its tombstone lasts <see cref="SqliteFileBounds.TombstoneLifetime"/>.</summary>
    public static SqlitePendingWrite Removal(string key, long nowTicks) =>
        new(key, null, null, SaturatingAdd(nowTicks, SqliteFileBounds.TombstoneLifetime.Ticks), nowTicks, nowTicks, SqliteSession.RowOverhead);

    /// <summary>What the key takes in the file besides its variants: its text, in the row and in the unique index.</summary>
    public static long KeyBytes(string key) => 2L * System.Text.Encoding.UTF8.GetByteCount(key);

    public static long SaturatingAdd(long a, long b) => b > DateTimeOffset.MaxValue.UtcTicks - a ? DateTimeOffset.MaxValue.UtcTicks : a + b;
}
