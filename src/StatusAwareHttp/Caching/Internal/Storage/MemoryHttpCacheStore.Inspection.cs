using System.Runtime.CompilerServices;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>The memory store's keys for <see cref="IHttpCache"/>: a snapshot taken under the lock.</summary>
internal sealed partial class MemoryHttpCacheStore : IHttpCacheStoreInspection
{
#pragma warning disable CS1998 // The snapshot is synchronous; the interface is asynchronous for stores that are not.
    public async IAsyncEnumerable<string> GetKeysAsync([EnumeratorCancellation] CancellationToken cancellationToken)
#pragma warning restore CS1998
    {
        string[] keys;
        lock (_lock)
        {
            keys = [.. _nodes.Keys];
        }

        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }
    }

    public ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        Empty();
        return ValueTask.CompletedTask;
    }
}
