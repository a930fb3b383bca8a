namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The memory store's index of keys by tag (<see cref="IHttpCacheStoreTags"/>: cache groups, RFC 9875; the queries of
/// a URI, RFC 10008): kept under the store's lock as keys are stored, replaced, evicted and removed, so a removal by
/// tag costs the keys it removes, never a scan.
/// </summary>
internal sealed partial class MemoryHttpCacheStore : IHttpCacheStoreTags
{
    private readonly Dictionary<string, HashSet<Node>> _tagged = new(StringComparer.Ordinal);

    public ValueTask<int> RemoveTaggedAsync(string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var removed = 0;
        lock (_lock)
        {
            if (_tagged.Remove(tag, out var nodes))
            {
                foreach (var node in nodes)
                {
                    if (node.Linked && _nodes.TryRemove(new KeyValuePair<string, Node>(node.Key, node)))
                    {
                        Unlink(node);
                        removed++;
                    }
                }
            }
        }

        return new(removed);
    }

    /// <summary>Under the lock: files a new node under its tags.</summary>
    private void File(Node node)
    {
        foreach (var tag in node.Tags)
        {
            if (!_tagged.TryGetValue(tag, out var nodes))
            {
                _tagged[tag] = nodes = [];
            }

            nodes.Add(node);
        }
    }

    /// <summary>Under the lock: takes a node that leaves the store out of the index.</summary>
    private void Unfile(Node node)
    {
        foreach (var tag in node.Tags)
        {
            if (_tagged.TryGetValue(tag, out var nodes) && nodes.Remove(node) && nodes.Count == 0)
            {
                _tagged.Remove(tag);
            }
        }
    }
}
