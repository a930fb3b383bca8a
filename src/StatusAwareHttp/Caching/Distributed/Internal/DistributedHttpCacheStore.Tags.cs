using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;
using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>
/// The distributed store's removal by tag (<see cref="IHttpCacheStoreTags"/>: cache groups, RFC 9875; the queries of a
/// URI, RFC 10008). An <see cref="IDistributedCache"/> cannot list what it holds, so a tag is not an index but a mark:
/// the time of its last invalidation, kept in the shared cache under the tag's own key. A key whose entries carry a
/// tag (<see cref="CacheTags"/>) is served only when every entry was asked for after that time; otherwise it is a miss
/// and removed. Each instance remembers a mark it read for <see cref="DistributedHttpCacheOptions.MemoryFrontLifetime"/>,
/// so another instance stops serving the tag's entries within that lifetime (as for a removal by key), this one at once.
/// Keys without tags (a GET without <c>Cache-Groups</c>, nearly all) cost nothing more. The instances' clocks are
/// assumed in step to within the time between a change and its invalidation.
/// </summary>
internal sealed partial class DistributedHttpCacheStore : IHttpCacheStoreTags
{
    /// <summary>The most marks remembered at once; past it, the memory of marks starts over.</summary>
    public const int MaxRememberedMarks = 4096;

    private readonly ConcurrentDictionary<string, Mark> _marks = new(StringComparer.Ordinal);

    public async ValueTask<int> RemoveTaggedAsync(string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var now = _time.GetUtcNow().UtcTicks;
        Remember(tag, now, now);
        var payload = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(payload, now);

        // Kept as long as an entry can be: an entry older than the mark is gone by then anyway.
        var options = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = _maxTimeToLive };
        if (await CallAsync(SetOperation, s_set, MarkKey(tag), (payload, options), CancellationToken.None).ConfigureAwait(false) is null)
        {
            Log.MarkNotWritten(_logger, _clientName);
        }

        return -1;
    }

    /// <summary>The key of a tag's mark: hashed as entry keys are (a cache key never starts with a control character).</summary>
    private string MarkKey(string tag) => DistributedCacheKeys.For(_keyPrefix, _clientName, string.Concat("\u0001tag ", tag));

    /// <summary>
    /// Whether <paramref name="entries"/> of <paramref name="key"/> may be served as far as their tags go, from the
    /// remembered marks alone: null when a mark must be read first.
    /// </summary>
    private bool? TagsAllowFromMemory(string key, IReadOnlyList<HttpCacheEntry> entries, out IReadOnlyList<string> tags)
    {
        tags = CacheTags.For(key, entries);
        if (tags.Count == 0)
        {
            return true;
        }

        var now = _time.GetUtcNow().UtcTicks;
        var oldest = OldestRequest(entries);
        foreach (var tag in tags)
        {
            if (!_marks.TryGetValue(tag, out var mark) || mark.ReadAt + _frontLifetime.Ticks <= now)
            {
                return null;
            }

            if (oldest <= mark.Ticks)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the entries may be served, reading the marks not remembered from the distributed cache.</summary>
    private async ValueTask<bool> TagsAllowAsync(IReadOnlyList<string> tags, IReadOnlyList<HttpCacheEntry> entries, CancellationToken cancellationToken)
    {
        var oldest = OldestRequest(entries);
        foreach (var tag in tags)
        {
            var now = _time.GetUtcNow().UtcTicks;
            if (!_marks.TryGetValue(tag, out var mark) || mark.ReadAt + _frontLifetime.Ticks <= now)
            {
                if (await CallAsync(GetOperation, s_get, MarkKey(tag), null, cancellationToken).ConfigureAwait(false) is not Task<byte[]?> done)
                {
                    // The mark cannot be read: the entry cannot be shown current.
                    return false;
                }

                var ticks = done.Result is { Length: sizeof(long) } payload ? BinaryPrimitives.ReadInt64LittleEndian(payload) : long.MinValue;
                mark = Remember(tag, ticks, now);
            }

            if (oldest <= mark.Ticks)
            {
                return false;
            }
        }

        return true;
    }

    private Mark Remember(string tag, long ticks, long now)
    {
        if (_marks.Count >= MaxRememberedMarks)
        {
            _marks.Clear();
        }

        var mark = new Mark(ticks, now);
        _marks.AddOrUpdate(tag, mark, (_, old) => old.Ticks > ticks ? old with { ReadAt = now } : mark);
        return _marks.TryGetValue(tag, out var kept) ? kept : mark;
    }

    private static long OldestRequest(IReadOnlyList<HttpCacheEntry> entries)
    {
        var oldest = long.MaxValue;
        foreach (var entry in entries)
        {
            if (entry is not null && entry.RequestTime.UtcTicks < oldest)
            {
                oldest = entry.RequestTime.UtcTicks;
            }
        }

        return oldest;
    }

    /// <summary>A tag's last invalidation (UTC ticks; <see cref="long.MinValue"/> when none) and when it was read.</summary>
    private readonly record struct Mark(long Ticks, long ReadAt);
}
