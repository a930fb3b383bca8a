namespace StatusAwareHttp.Deprecation.Internal;

/// <summary>
/// What one client has already warned about: a bounded set of method-and-route keys, oldest forgotten first. Kept per
/// client name (it outlives the handler chains <c>IHttpClientFactory</c> rebuilds), so a route is said once per client.
/// </summary>
internal sealed class DeprecationMemory
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _said = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly int _capacity;

    public DeprecationMemory(int capacity)
    {
        _capacity = Math.Max(1, capacity);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _said.Count;
            }
        }
    }

    /// <summary><see langword="true"/> the first time a key is seen (since it was last forgotten), then false.</summary>
    public bool FirstTime(string key)
    {
        lock (_lock)
        {
            if (_said.Contains(key))
            {
                return false;
            }

            if (_said.Count >= _capacity)
            {
                _said.Remove(_order.Dequeue());
            }

            _said.Add(key);
            _order.Enqueue(key);
            return true;
        }
    }
}
