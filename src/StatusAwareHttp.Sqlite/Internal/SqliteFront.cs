using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;

namespace StatusAwareHttp.Caching.Sqlite.Internal;

/// <summary>
/// The in-memory front of one client's file store: a <see cref="MemoryCache"/> bounded by bytes whose entries expire
/// after the front's lifetime, on the library's <see cref="TimeProvider"/>. The lifetime bounds how long another
/// process's invalidation goes unseen here. Reads never allocate.
/// </summary>
internal sealed class SqliteFront : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly long _sizeLimit;

    public SqliteFront(long maxBytes, TimeProvider time)
    {
        _sizeLimit = maxBytes;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxBytes, Clock = new Clock(time) });
    }

    public IReadOnlyList<HttpCacheEntry>? Get(string key) =>
        _cache.TryGetValue(key, out var value) ? value as IReadOnlyList<HttpCacheEntry> : null;

    public void Set(string key, IReadOnlyList<HttpCacheEntry> entries, long size, TimeSpan lifetime)
    {
        if (size > _sizeLimit || lifetime <= TimeSpan.Zero)
        {
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

    private sealed class Clock(TimeProvider time) : ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
