using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;
using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>
/// The in-memory front of one client's distributed store: a <see cref="MemoryCache"/> bounded by bytes (the memory
/// store's accounting, least recently used evicted first) whose entries expire after their lifetime, on the
/// library's <see cref="TimeProvider"/>. Unlike the memory store, which keeps entries past their time-to-live for
/// requests with <c>max-stale</c>, the front must drop them: its lifetime bounds how long another instance's
/// invalidation goes unseen here. Reads never allocate.
/// </summary>
internal sealed class MemoryFront : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly long _sizeLimit;

    public MemoryFront(long maxBytes, TimeProvider time)
    {
        _sizeLimit = maxBytes;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxBytes, Clock = new TimeProviderClock(time) });
    }

    public IReadOnlyList<HttpCacheEntry>? Get(string key) =>
        _cache.TryGetValue(key, out var value) ? value as IReadOnlyList<HttpCacheEntry> : null;

    public void Set(string key, IReadOnlyList<HttpCacheEntry> entries, TimeSpan lifetime)
    {
        var size = MemoryHttpCacheStore.Size(entries);
        if (size > _sizeLimit || lifetime <= TimeSpan.Zero)
        {
            // It cannot be kept; what was kept under the key is outdated by it.
            _cache.Remove(key);
            return;
        }

        using var entry = _cache.CreateEntry(key);
        entry.Value = entries;
        entry.Size = size;
        entry.AbsoluteExpirationRelativeToNow = lifetime;
    }

    public void Remove(string key) => _cache.Remove(key);

    public void Dispose() => _cache.Dispose();

    private sealed class TimeProviderClock(TimeProvider time) : ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
