namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>The copies a read from the file keeps in the front: plain ones (the entries read are marked "from disk" for the caller).</summary>
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
}
