using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The default store: one <see cref="MemoryCache"/> per client name, its <see cref="MemoryCacheOptions.SizeLimit"/> the
/// client's <see cref="CacheOptions.MaxTotalBytes"/> and each entry's size its bodies and header text; when full,
/// <see cref="MemoryCache"/> compacts (expired entries first, then the least recently used). Reads never allocate.
/// </summary>
internal sealed class MemoryHttpCacheStore : IHttpCacheStore, IDisposable
{
    /// <summary>A rough per-variant overhead (objects, arrays, the parsed view) added to its bytes.</summary>
    private const int EntryOverhead = 512;

    private static readonly PostEvictionDelegate s_onEvicted = static (_, _, reason, state) => ((CacheMetrics)state!).Evicted(reason);

    private readonly MemoryCache _cache;
    private readonly CacheMetrics _metrics;
    private readonly long _sizeLimit;

    public MemoryHttpCacheStore(long maxTotalBytes, TimeProvider timeProvider, CacheMetrics metrics)
    {
        _sizeLimit = maxTotalBytes;
        _metrics = metrics;
        _cache = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = maxTotalBytes,
            TrackStatistics = true,
            Clock = new TimeProviderClock(timeProvider),
        });
    }

    /// <summary>Gets the bytes held now (as estimated from the entries' sizes).</summary>
    public long CurrentSize => _cache.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

    public ValueTask<IReadOnlyList<HttpCacheEntry>?> GetAsync(string key, CancellationToken cancellationToken) =>
        new(_cache.TryGetValue(key, out var value) ? value as IReadOnlyList<HttpCacheEntry> : null);

    public ValueTask SetAsync(string key, IReadOnlyList<HttpCacheEntry> entries, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        var size = Size(entries);
        if (size > _sizeLimit)
        {
            // It can never fit; what was stored under the key is outdated by it.
            _cache.Remove(key);
            return ValueTask.CompletedTask;
        }

        // The time-to-live hint is not applied here: a request with max-stale may still use an entry past it, and
        // the size limit already evicts the least recently used entries when room is needed.
        using var entry = _cache.CreateEntry(key);
        entry.Value = entries;
        entry.Size = size;
        entry.RegisterPostEvictionCallback(s_onEvicted, _metrics);
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        _cache.Remove(key);
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>The bytes an entry accounts for: bodies, header and Vary text (two bytes a char), and an overhead.</summary>
    public static long Size(IReadOnlyList<HttpCacheEntry> entries)
    {
        long size = 0;
        foreach (var entry in entries)
        {
            size += EntryOverhead + entry.Body.Length;
            foreach (var line in entry.Headers)
            {
                size += 2L * ((line.Key?.Length ?? 0) + (line.Value?.Length ?? 0));
            }

            foreach (var vary in entry.VaryHeaders)
            {
                size += 2L * ((vary.Key?.Length ?? 0) + (vary.Value?.Length ?? 0));
            }
        }

        return size;
    }

    /// <summary>Lets <see cref="MemoryCache"/> expire entries on the same clock as the rest of the library.</summary>
    private sealed class TimeProviderClock(TimeProvider timeProvider) : ISystemClock
    {
        public DateTimeOffset UtcNow => timeProvider.GetUtcNow();
    }
}
