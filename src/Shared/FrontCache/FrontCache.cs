namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The in-memory front of a store that lives elsewhere (the distributed store, the SQLite file): a least-recently-used
/// map bounded by bytes whose entries expire after their lifetime, on the library's <see cref="TimeProvider"/>. A new
/// entry that fits the bound at all is always admitted: the least recently used entries make room for it (unlike
/// <c>MemoryCache</c>, which refuses an add over its size limit). Unlike the memory store, which keeps entries past
/// their time-to-live for requests with <c>max-stale</c>, a front drops them: its lifetime bounds how long another
/// instance's invalidation goes unseen here.
/// </summary>
/// <remarks>
/// One source file compiled into each assembly that needs a front (the SQLite package links it), so neither uses the
/// other's internals. One lock held for a few pointer moves: a read is O(1) and never allocates.
/// </remarks>
internal sealed class FrontCache
{
    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _sizeLimit;

    // The recency list: _head is the most recently used, _tail the least.
    private Node? _head;
    private Node? _tail;
    private long _size;

    public FrontCache(long maxBytes, TimeProvider time)
    {
        _sizeLimit = maxBytes;
        _time = time;
    }

    /// <summary>Gets the bytes held now (as the callers sized the entries).</summary>
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

    /// <summary>Gets the number of keys held now (expired ones not read since included).</summary>
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

    /// <summary>The entries kept under <paramref name="key"/>, made the most recently used; <see langword="null"/> when none or expired.</summary>
    public IReadOnlyList<HttpCacheEntry>? Get(string key)
    {
        var now = _time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            if (!_nodes.TryGetValue(key, out var node))
            {
                return null;
            }

            if (now >= node.ExpiresTicks)
            {
                RemoveLocked(node);
                return null;
            }

            MoveToHead(node);
            return node.Entries;
        }
    }

    /// <summary>
    /// Keeps <paramref name="entries"/> (<paramref name="size"/> bytes) for <paramref name="lifetime"/>, evicting the
    /// least recently used to make room. One that cannot be kept (larger than the bound, no lifetime) still removes
    /// what was kept under the key: that is outdated by it.
    /// </summary>
    public void Set(string key, IReadOnlyList<HttpCacheEntry> entries, long size, TimeSpan lifetime)
    {
        var now = _time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            if (_nodes.TryGetValue(key, out var old))
            {
                RemoveLocked(old);
            }

            if (size > _sizeLimit || lifetime <= TimeSpan.Zero)
            {
                return;
            }

            var expires = lifetime.Ticks > DateTimeOffset.MaxValue.UtcTicks - now ? long.MaxValue : now + lifetime.Ticks;
            var node = new Node(key, entries, size, expires);
            _nodes.Add(key, node);
            AddAtHead(node);
            _size += size;
            while (_size > _sizeLimit && _tail is { } last && !ReferenceEquals(last, node))
            {
                RemoveLocked(last);
            }
        }
    }

    public void Remove(string key)
    {
        lock (_lock)
        {
            if (_nodes.TryGetValue(key, out var node))
            {
                RemoveLocked(node);
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _nodes.Clear();
            _head = _tail = null;
            _size = 0;
        }
    }

    private void RemoveLocked(Node node)
    {
        _nodes.Remove(node.Key);
        Unlink(node);
        _size -= node.Size;
    }

    private void AddAtHead(Node node)
    {
        node.Previous = null;
        node.Next = _head;
        if (_head is not null)
        {
            _head.Previous = node;
        }

        _head = node;
        _tail ??= node;
    }

    private void MoveToHead(Node node)
    {
        if (ReferenceEquals(_head, node))
        {
            return;
        }

        Unlink(node);
        AddAtHead(node);
    }

    private void Unlink(Node node)
    {
        if (node.Previous is not null)
        {
            node.Previous.Next = node.Next;
        }
        else if (ReferenceEquals(_head, node))
        {
            _head = node.Next;
        }

        if (node.Next is not null)
        {
            node.Next.Previous = node.Previous;
        }
        else if (ReferenceEquals(_tail, node))
        {
            _tail = node.Previous;
        }

        node.Previous = node.Next = null;
    }

    private sealed class Node(string key, IReadOnlyList<HttpCacheEntry> entries, long size, long expiresTicks)
    {
        public string Key { get; } = key;

        public IReadOnlyList<HttpCacheEntry> Entries { get; } = entries;

        public long Size { get; } = size;

        public long ExpiresTicks { get; } = expiresTicks;

        public Node? Previous { get; set; }

        public Node? Next { get; set; }
    }
}
