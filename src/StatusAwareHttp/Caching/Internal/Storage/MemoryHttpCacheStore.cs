using System.Collections.Concurrent;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The default store: one per client name, bounded by the client's <see cref="CacheOptions.MaxTotalBytes"/>, each
/// entry's size its bodies and header text (see <see cref="Size"/>). A new entry is always admitted when it fits the
/// bound at all: room is made first from entries past their time-to-live (oldest expiry first), then from the least
/// recently used. A read makes its entry the most recently used.
/// </summary>
/// <remarks>
/// Its own accounting rather than <c>Microsoft.Extensions.Caching.Memory.MemoryCache</c>, which refuses an add over its size limit and compacts only
/// to a percentage of it (so a full store would keep its oldest entries and refuse new ones). A read takes no lock: it
/// finds the entry in a concurrent dictionary and notes it in a small read buffer, which the writer applies to the
/// recency list (in read order) under the lock before it makes room, so eviction still goes by least recent use. When
/// the buffer is full a reader applies it itself if the lock is free, and otherwise the read is not noted (under heavy
/// contention the order is then approximate, never wrong about what is stored). A write is O(1) for the recency list
/// plus O(log n) for the expiry queue when the entry has a time-to-live; an eviction is O(log n) at most.
/// </remarks>
internal sealed partial class MemoryHttpCacheStore : IHttpCacheStore, IDisposable
{
    /// <summary>A rough per-variant overhead (objects, arrays, the parsed view) added to its bytes.</summary>
    private const int EntryOverhead = 512;

    /// <summary>How many reads are noted between two writes before a reader applies them itself.</summary>
    private const int ReadBufferSize = 64;

    private readonly ConcurrentDictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Node>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly Node?[] _reads = new Node?[ReadBufferSize];
    private int _readCount;
    private readonly PriorityQueue<Node, long> _expiries = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly CacheMetrics _metrics;
    private readonly long _sizeLimit;

    // The recency list: _head is the most recently used, _tail the least.
    private Node? _head;
    private Node? _tail;
    private long _size;

    // The keys held (the list's length): ConcurrentDictionary.Count would take every lock of the dictionary.
    private int _linked;

    public MemoryHttpCacheStore(long maxTotalBytes, TimeProvider timeProvider, CacheMetrics metrics)
    {
        _sizeLimit = maxTotalBytes;
        _time = timeProvider;
        _metrics = metrics;
        _bySpan = _nodes.GetAlternateLookup<ReadOnlySpan<char>>();
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
                return _linked;
            }
        }
    }

    public ValueTask<IReadOnlyList<HttpCacheEntry>?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (!_nodes.TryGetValue(key, out var node))
        {
            return new((IReadOnlyList<HttpCacheEntry>?)null);
        }

        NoteRead(node);
        return new(node.Entries);
    }

    /// <summary>The variants stored under the key written in <paramref name="key"/> (no key string made), or null.</summary>
    public IReadOnlyList<HttpCacheEntry>? Find(ReadOnlySpan<char> key)
    {
        if (!_bySpan.TryGetValue(key, out var node))
        {
            return null;
        }

        NoteRead(node);
        return node.Entries;
    }

    public ValueTask SetAsync(string key, IReadOnlyList<HttpCacheEntry> entries, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        var size = Size(entries);
        var tags = CacheTags.For(key, entries);
        lock (_lock)
        {
            ApplyReads();
            if (_nodes.TryRemove(key, out var old))
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
            var node = new Node(key, entries, size, ExpiryOf(timeToLive)) { Tags = tags };
            _nodes[key] = node;
            AddAtHead(node);
            File(node);
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
            if (_nodes.TryRemove(key, out var node))
            {
                Unlink(node);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Lets go of every entry; the store stays usable (disposal and <c>ClearAsync</c> alike).</summary>
    public void Dispose() => Empty();

    private void Empty()
    {
        lock (_lock)
        {
            ApplyReads();
            _nodes.Clear();
            _tagged.Clear();
            _expiries.Clear();
            _head = _tail = null;
            _size = 0;
            _linked = 0;
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
                Evict(node, EvictionCause.Expired);
            }
        }

        while (_size > _sizeLimit && _tail is { } last)
        {
            Evict(last, EvictionCause.Capacity);
        }
    }

    private void Evict(Node node, EvictionCause reason)
    {
        _nodes.TryRemove(node.Key, out _);
        Unlink(node);
        _metrics.Evicted(reason);
    }

    /// <summary>
    /// Drops queue items of entries no longer held (replaced or removed) once they outnumber the entries held, so the
    /// queue stays within twice the number of entries.
    /// </summary>
    private void TrimExpiryQueue()
    {
        if (_expiries.Count <= (2 * _linked) + 16)
        {
            return;
        }

        var live = new List<(Node, long)>(_linked);
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

    /// <summary>Notes a read for the recency list: in the buffer, or applied at once when it is full and the lock is free.</summary>
    private void NoteRead(Node node)
    {
        var slot = Interlocked.Increment(ref _readCount) - 1;
        if ((uint)slot < ReadBufferSize)
        {
            Volatile.Write(ref _reads[slot], node);
            return;
        }

        if (_lock.TryEnter())
        {
            try
            {
                ApplyReads();
                if (node.Linked)
                {
                    MoveToHead(node);
                }
            }
            finally
            {
                _lock.Exit();
            }
        }
    }

    /// <summary>
    /// Under the lock: moves the entries read since the last write to the head, in the order they were read. Every slot
    /// is emptied (a reader late to write its slot leaves it for the next pass), so no evicted entry stays referenced.
    /// </summary>
    private void ApplyReads()
    {
        Volatile.Write(ref _readCount, 0);
        for (var i = 0; i < _reads.Length; i++)
        {
            if (Volatile.Read(ref _reads[i]) is not null && Interlocked.Exchange(ref _reads[i], null) is { Linked: true } read)
            {
                MoveToHead(read);
            }
        }
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
        _linked++;
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
        Unfile(node);
        Detach(node);
        node.Next = node.Previous = null;
        node.Linked = false;
        _size -= node.Size;
        _linked--;
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

        /// <summary>The tags the key is filed under (<see cref="CacheTags"/>); most keys have none.</summary>
        public IReadOnlyList<string> Tags { get; init; } = [];

        public bool Linked { get; set; }

        public Node? Previous { get; set; }

        public Node? Next { get; set; }
    }
}
