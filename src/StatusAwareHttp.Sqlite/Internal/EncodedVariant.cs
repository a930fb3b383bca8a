namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>A variant ready to write: the entry and its encoded header and Vary columns.</summary>
internal readonly record struct EncodedVariant(HttpCacheEntry Entry, byte[] Headers, byte[] Vary)
{
    public long Size => Entry.Body.Length + Headers.Length + Vary.Length + SqliteSession.RowOverhead;

    public static EncodedVariant Of(HttpCacheEntry entry) =>
        new(entry, EntryColumns.WriteHeaders(entry.Headers), EntryColumns.WriteVary(entry.VaryHeaders));

    /// <summary>What an entry counts against <c>MaxTotalBytes</c>: its body, its header and Vary text, and a row's overhead.</summary>
    internal static long SizeOf(HttpCacheEntry entry)
    {
        long size = entry.Body.Length + SqliteSession.RowOverhead;
        foreach (var line in entry.Headers)
        {
            size += 2L * (line.Key.Length + line.Value.Length);
        }

        foreach (var vary in entry.VaryHeaders)
        {
            size += 2L * (vary.Key.Length + (vary.Value?.Length ?? 0));
        }

        return size;
    }
}
