namespace StatusAwareHttp.Caching.Internal;

/// <summary>Why the memory store let an entry go: the two causes its eviction metric tells apart.</summary>
internal enum EvictionCause
{
    /// <summary>The store was over <see cref="CacheOptions.MaxTotalBytes"/> and the entry was the least recently used.</summary>
    Capacity,

    /// <summary>The entry could no longer be served or revalidated.</summary>
    Expired,
}
