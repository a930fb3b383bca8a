using System.Runtime.InteropServices;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The reads of deferred bodies (<see cref="SqliteDeferredBody"/>): a range reads only the chunks it touches, checked
/// by their digests (RFC 9530's check kept on disk); a body damaged on disk is a miss with a warning and its key removed,
/// one replaced meanwhile a plain miss.
/// </summary>
internal sealed partial class SqliteHttpCacheStore
{
    private long _bodyBytesRead;

    /// <summary>Gets the body bytes read from the file so far (tests and benchmarks: a range read reads only its chunks).</summary>
    internal long BodyBytesRead => Interlocked.Read(ref _bodyBytesRead);

    /// <summary>Reads part of a deferred body from the file; false when it cannot be read (a miss).</summary>
    public bool ReadBody(SqliteDeferredBody body, int offset, Memory<byte> destination)
    {
        var fault = Run("read", session =>
        {
            var result = session.ReadRange(body, offset, destination.Span, out var read);
            Interlocked.Add(ref _bodyBytesRead, read);
            return result;
        }, SqliteReadFault.Unreadable, _closing.Token);
        if (fault == SqliteReadFault.DigestMismatch)
        {
            Unreadable(body.Key, fault);
        }

        return fault == SqliteReadFault.None;
    }

    /// <summary>Counts the bodies a read took from the file whole (a deferred one counts when it is read).</summary>
    private void CountRead(List<HttpCacheEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (!MemoryMarshal.TryGetMemoryManager<byte, SqliteDeferredBody>(entry.Body, out _))
            {
                Interlocked.Add(ref _bodyBytesRead, entry.Body.Length);
            }
        }
    }
}
