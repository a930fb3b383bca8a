using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>
/// The in-memory front of one client's distributed store: a <see cref="FrontCache"/> (least recently used evicted to
/// admit a new entry, entries dropped after their lifetime, on the library's <see cref="TimeProvider"/>) sized with
/// the memory store's accounting. Its lifetime bounds how long another instance's invalidation goes unseen here.
/// Reads never allocate.
/// </summary>
internal sealed class MemoryFront : IDisposable
{
    private readonly FrontCache _cache;

    public MemoryFront(long maxBytes, TimeProvider time) => _cache = new FrontCache(maxBytes, time);

    /// <summary>Gets the bytes held now.</summary>
    public long CurrentSize => _cache.CurrentSize;

    public IReadOnlyList<HttpCacheEntry>? Get(string key) => _cache.Get(key);

    public void Set(string key, IReadOnlyList<HttpCacheEntry> entries, TimeSpan lifetime) =>
        _cache.Set(key, entries, MemoryHttpCacheStore.Size(entries), lifetime);

    public void Remove(string key) => _cache.Remove(key);

    public void Dispose() => _cache.Clear();
}
