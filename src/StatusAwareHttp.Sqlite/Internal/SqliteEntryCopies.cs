namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>The copies a read from the file hands out: plain ones for the front, ones marked "from disk" for the caller.</summary>
internal static class SqliteEntryCopies
{
    /// <summary>Copies (the same arrays) without a store detail, for the front: a hit from it is not "from disk".</summary>
    public static HttpCacheEntry[] Plain(List<HttpCacheEntry> entries, out long size)
    {
        var plain = new HttpCacheEntry[entries.Count];
        size = 0;
        for (var i = 0; i < plain.Length; i++)
        {
            var e = entries[i];
            plain[i] = new HttpCacheEntry(e.StatusCode, e.Headers, e.Body, e.RequestTime, e.ResponseTime, e.VaryHeaders);
            size += EncodedVariant.SizeOf(e);
        }

        return plain;
    }

    /// <summary>Replaces each entry by a copy whose <c>Cache-Status</c> detail says where it came from.</summary>
    public static void Mark(List<HttpCacheEntry> entries, string detail)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            entries[i] = new HttpCacheEntry(e.StatusCode, e.Headers, e.Body, e.RequestTime, e.ResponseTime, e.VaryHeaders) { StoreDetail = detail };
        }
    }
}
