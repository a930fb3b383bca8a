namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// A large body left in the file until it is used (<see cref="HttpCacheDeferredBody"/>): a range read opens its blob
/// and reads only the 64 KiB chunks the range touches, each checked against its digest (<see cref="BodyChunks"/>).
/// It names its variant's row and carries the digest read with the row, so a row replaced meanwhile (a new body, or
/// the row id reused) is told apart from one damaged on disk.
/// </summary>
internal sealed class SqliteDeferredBody : HttpCacheDeferredBody
{
    private readonly SqliteHttpCacheStore _store;
    private volatile bool _failed;

    public SqliteDeferredBody(SqliteHttpCacheStore store, string key, long variantId, bool apart, int length, byte[] digest)
        : base(length)
    {
        _store = store;
        Key = key;
        VariantId = variantId;
        Apart = apart;
        Digest = digest;
    }

    /// <summary>Gets the key whose variant this is (removed when the body turns out damaged).</summary>
    public string Key { get; }

    /// <summary>Gets the variant's row id.</summary>
    public long VariantId { get; }

    /// <summary>Gets a value indicating whether the body has a row of its own (<c>http_cache_bodies</c>).</summary>
    public bool Apart { get; }

    /// <summary>Gets the digest column read with the variant's row.</summary>
    public byte[] Digest { get; }

    /// <summary>A read that failed once fails at once after (the store logged it and removed the key).</summary>
    protected override bool ReadStored(int offset, Memory<byte> destination)
    {
        if (_failed)
        {
            return false;
        }

        var read = _store.ReadBody(this, offset, destination);
        _failed = !read;
        return read;
    }
}
