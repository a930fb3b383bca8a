using System.Runtime.InteropServices;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// Stored bodies that a store reads only when used (<see cref="HttpCacheDeferredBody"/>): a range served from storage
/// reads only its bytes; anything else loads the whole body first. A read that fails is a miss, never a wrong byte.
/// </summary>
internal static class StoredBodies
{
    /// <summary>
    /// The bytes of <paramref name="slice"/> (a slice of a stored body): read from where the store keeps them when the
    /// body is deferred (only these bytes), else the slice itself. False when they cannot be read.
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> slice, out ReadOnlyMemory<byte> bytes)
    {
        if (!MemoryMarshal.TryGetMemoryManager<byte, HttpCacheDeferredBody>(slice, out var deferred, out var start, out var length) || deferred.IsLoaded)
        {
            bytes = slice;
            return true;
        }

        var read = GC.AllocateUninitializedArray<byte>(length);
        bytes = read;
        return deferred.TryRead(start, read);
    }

    /// <summary>Loads the whole body of <paramref name="entry"/> when it is deferred; false when it cannot be read.</summary>
    public static bool TryLoad(HttpCacheEntry entry) =>
        !MemoryMarshal.TryGetMemoryManager<byte, HttpCacheDeferredBody>(entry.Body, out var deferred) || deferred.TryLoad();
}
