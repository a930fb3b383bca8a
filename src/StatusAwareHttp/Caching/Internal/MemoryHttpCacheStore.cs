using Microsoft.Extensions.Caching.Memory;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The default store: one per client name, bounded by the client's <see cref="CacheOptions.MaxTotalBytes"/>, each
/// entry's size its bodies and header text (see <see cref="Size"/>). A new entry is always admitted when it fits the
/// bound at all: room is made first from entries past their time-to-live (oldest expiry first), then from the least
/// recently used. A read makes its entry the most recently used.
/// </summary>
/// <remarks>
/// Its own accounting rather than <see cref="MemoryCache"/>, which refuses an add over its size limit and compacts only
/// to a percentage of it (so a full store would keep its oldest entries and refuse new ones). One lock, held for a few
/// pointer moves: a read is O(1) and never allocates; a write is O(1) for the recency list plus O(log n) for the
/// expiry queue when the entry has a time-to-live; an eviction is O(log n) at most.
/// </remarks>
internal sealed partial class MemoryHttpCacheStore : IHttpCacheStore, IDisposable
{
    /// <summary>A rough per-variant overhead (objects, arrays, the parsed view) added to its bytes.</summary>
    private const int EntryOverhead = 512;

    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly PriorityQueue<Node, long> _expiries = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly CacheMetrics _metrics;
    private readonly long _sizeLimit;

    // The recency list: _head is the most recently used, _tail the least.
    private Node? _head;
    private Node? _tail;
    private long _size;

    public MemoryHttpCacheStore(long maxTotalBytes, TimeProvider timeProvider, CacheMetrics metrics)
    {
        _sizeLimit = maxTotalBytes;
        _time = timeProvider;
        _metrics = metrics;
    }

    /// <summary>Gets the bytes held now (as estimated from the entries' sizes).</summary>
    public long CurrentSize
    {
        get
        {
            lock (_lock)
            {
                return _size;
            }
        }
    }

    /// <summary>Gets the number of keys held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _nodes.Count;
            }
        }
    }

    public ValueTask<IReadOnlyList<HttpCacheEntry>?> GetAsync(string key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_nodes.TryGetValue(key, out var node))
            {
                return new((IReadOnlyList<HttpCacheEntry>?)null);
            }

            MoveToHead(node);
            return new(node.Entries);
        }
    }

    public ValueTask SetAsync(string key, IReadOnlyList<HttpCacheEntry> entries, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        var size = Size(entries);
        lock (_lock)
        {
            if (_nodes.Remove(key, out var old))
            {
                // What was stored under the key is outdated by the new entry, whether or not that one fits.
                Unlink(old);
            }

            if (size > _sizeLimit)
            {
                return ValueTask.CompletedTask;
            }

            // The time-to-live is not a removal time: a request with max-stale may still use an entry past it. It
            // only says which entries go first when room is needed.
            var node = new Node(key, entries, size, ExpiryOf(timeToLive));
            _nodes.Add(key, node);
            AddAtHead(node);
            if (node.Expiry != long.MaxValue)
            {
                _expiries.Enqueue(node, node.Expiry);
                TrimExpiryQueue();
            }

            MakeRoom();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_nodes.Remove(key, out var node))
            {
                Unlink(node);
            }
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _nodes.Clear();
            _expiries.Clear();
            _head = _tail = null;
            _size = 0;
        }
    }

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

    private long ExpiryOf(TimeSpan? timeToLive)
    {
        if (timeToLive is not { } ttl)
        {
            return long.MaxValue;
        }

        var now = _time.GetUtcNow().UtcTicks;
        return ttl.Ticks >= long.MaxValue - now ? long.MaxValue - 1 : now + Math.Max(0, ttl.Ticks);
    }

    /// <summary>Evicts until the size is within the limit: expired entries first, then the least recently used.</summary>
    private void MakeRoom()
    {
        if (_size <= _sizeLimit)
        {
            return;
        }

        var now = _time.GetUtcNow().UtcTicks;
        while (_size > _sizeLimit && _expiries.TryPeek(out var node, out var expiry) && expiry <= now)
        {
            _expiries.Dequeue();
            if (node.Linked && node.Expiry == expiry)
            {
                Evict(node, EvictionReason.Expired);
            }
        }

        while (_size > _sizeLimit && _tail is { } last)
        {
            Evict(last, EvictionReason.Capacity);
        }
    }

    private void Evict(Node node, EvictionReason reason)
    {
        _nodes.Remove(node.Key);
        Unlink(node);
        _metrics.Evicted(reason);
    }

    /// <summary>
    /// Drops queue items of entries no longer held (replaced or removed) once they outnumber the entries held, so the
    /// queue stays within twice the number of entries.
    /// </summary>
    private void TrimExpiryQueue()
    {
        if (_expiries.Count <= (2 * _nodes.Count) + 16)
        {
            return;
        }

        var live = new List<(Node, long)>(_nodes.Count);
        foreach (var (node, expiry) in _expiries.UnorderedItems)
        {
            if (node.Linked && node.Expiry == expiry)
            {
                live.Add((node, expiry));
            }
        }

        _expiries.Clear();
        _expiries.EnqueueRange(live);
    }

    private void AddAtHead(Node node)
    {
        node.Next = _head;
        node.Previous = null;
        if (_head is not null)
        {
            _head.Previous = node;
        }

        _head = node;
        _tail ??= node;
        node.Linked = true;
        _size += node.Size;
    }

    private void MoveToHead(Node node)
    {
        if (ReferenceEquals(node, _head))
        {
            return;
        }

        Detach(node);
        node.Next = _head;
        node.Previous = null;
        _head!.Previous = node;
        _head = node;
    }

    private void Unlink(Node node)
    {
        Detach(node);
        node.Next = node.Previous = null;
        node.Linked = false;
        _size -= node.Size;
    }

    private void Detach(Node node)
    {
        if (node.Previous is null)
        {
            _head = node.Next;
        }
        else
        {
            node.Previous.Next = node.Next;
        }

        if (node.Next is null)
        {
            _tail = node.Previous;
        }
        else
        {
            node.Next.Previous = node.Previous;
        }
    }

    private sealed class Node(string key, IReadOnlyList<HttpCacheEntry> entries, long size, long expiry)
    {
        public string Key { get; } = key;

        public IReadOnlyList<HttpCacheEntry> Entries { get; } = entries;

        public long Size { get; } = size;

        /// <summary>UTC ticks past which the entry is expired; <see cref="long.MaxValue"/> when it has no time-to-live.</summary>
        public long Expiry { get; } = expiry;

        public bool Linked { get; set; }

        public Node? Previous { get; set; }

        public Node? Next { get; set; }
    }
}
