using System.Security.Cryptography;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// A stored body's digest: a SHA-256 of each 64 KiB chunk (the last one shorter), after a layout byte. Kept with the
/// variant's row and checked when the body is read, so a body torn or changed on disk is a miss, never a wrong answer;
/// per chunk, so a range read checks only the chunks it touches (serving 1 MiB of a 30 MiB body hashes 1 MiB, not 30).
/// 32 bytes per 64 KiB: 0.05% of the body.
/// </summary>
internal static class BodyChunks
{
    /// <summary>The bytes one digest covers; the same as the blob I/O's chunk (<see cref="SqliteSession.StreamThreshold"/>).</summary>
    public const int ChunkBytes = 64 * 1024;

    /// <summary>The first byte of the column, so a later layout can be told apart.</summary>
    private const byte Layout = 1;

    private const int HashBytes = 32;

    /// <summary>The digest column of <paramref name="body"/>.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> body)
    {
        var chunks = Count(body.Length);
        var digest = new byte[1 + (chunks * HashBytes)];
        digest[0] = Layout;
        for (var i = 0; i < chunks; i++)
        {
            SHA256.HashData(Chunk(body, i), digest.AsSpan(1 + (i * HashBytes), HashBytes));
        }

        return digest;
    }

    /// <summary>Whether <paramref name="digest"/> is a column of this layout for a body of <paramref name="length"/> bytes.</summary>
    public static bool Fits(ReadOnlySpan<byte> digest, long length) =>
        digest.Length > 0 && digest[0] == Layout && digest.Length - 1 == (long)Count(length) * HashBytes;

    /// <summary>Whether <paramref name="body"/>, the whole body, matches its column (which <see cref="Fits"/>).</summary>
    public static bool Check(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> body)
    {
        for (var i = 0; i < Count(body.Length); i++)
        {
            if (!Check(digest, i, Chunk(body, i)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="chunk"/> (all of chunk <paramref name="index"/>) matches its digest.</summary>
    public static bool Check(ReadOnlySpan<byte> digest, int index, ReadOnlySpan<byte> chunk)
    {
        Span<byte> hash = stackalloc byte[HashBytes];
        SHA256.HashData(chunk, hash);
        return hash.SequenceEqual(digest.Slice(1 + (index * HashBytes), HashBytes));
    }

    /// <summary>The chunks of a body of <paramref name="length"/> bytes.</summary>
    public static int Count(long length) => checked((int)((length + ChunkBytes - 1) / ChunkBytes));

    private static ReadOnlySpan<byte> Chunk(ReadOnlySpan<byte> body, int index)
    {
        var start = index * ChunkBytes;
        return body.Slice(start, Math.Min(ChunkBytes, body.Length - start));
    }
}
