using System.Buffers;

namespace StatusAwareHttp;

/// <summary>
/// A stored body that its store reads only when it is used, so that a range served from storage (RFC 9110 §14.2,
/// RFC 9111 §3.3-3.4) reads only the bytes it serves. A store that keeps bodies where reading them costs (a file) may
/// hand back an entry whose <see cref="HttpCacheEntry.Body"/> is the <see cref="MemoryManager{T}.Memory"/> of one.
/// </summary>
/// <remarks>
/// The cache reads a range through <see cref="TryRead"/> and the whole body through <see cref="TryLoad"/> before it
/// uses it; either one returning <see langword="false"/> (the bytes are gone, or do not match what was stored) makes
/// the entry a miss, never a wrong answer: the store logs and removes what it found damaged. Once loaded, the body is
/// held in memory like any other. Reading <see cref="MemoryManager{T}.GetSpan"/> loads it too, and throws
/// <see cref="IOException"/> when it cannot.
/// </remarks>
public abstract class HttpCacheDeferredBody : MemoryManager<byte>
{
    private readonly Lock _lock = new();
    private byte[]? _loaded;

    /// <summary>Makes a body of <paramref name="length"/> bytes, not yet read.</summary>
    /// <param name="length">The body's length in bytes; at least 0.</param>
    protected HttpCacheDeferredBody(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
    }

    /// <summary>Gets the body's length in bytes.</summary>
    public int Length { get; }

    /// <summary>Gets the body as memory, without reading it (the base class would load it to learn its length).</summary>
    public sealed override Memory<byte> Memory => CreateMemory(Length);

    /// <summary>Gets a value indicating whether the whole body is held in memory (after <see cref="TryLoad"/>).</summary>
    public bool IsLoaded => Volatile.Read(ref _loaded) is not null;

    /// <summary>
    /// Reads <paramref name="destination"/>'s length of bytes from <paramref name="offset"/>, checked as the store
    /// checks what it keeps (from memory once the body is loaded).
    /// </summary>
    /// <param name="offset">The first byte to read, from 0.</param>
    /// <param name="destination">Where the bytes go; its length is how many are read.</param>
    /// <returns><see langword="false"/> when the bytes cannot be read or do not match what was stored.</returns>
    public bool TryRead(int offset, Memory<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(destination.Length, Length - offset);
        if (Volatile.Read(ref _loaded) is { } loaded)
        {
            loaded.AsSpan(offset, destination.Length).CopyTo(destination.Span);
            return true;
        }

        return destination.IsEmpty || ReadStored(offset, destination);
    }

    /// <summary>Reads the whole body into memory, once; <see langword="false"/> when it cannot be read or does not match what was stored.</summary>
    /// <returns>Whether the body is now held in memory.</returns>
    public bool TryLoad()
    {
        if (IsLoaded)
        {
            return true;
        }

        lock (_lock)
        {
            if (_loaded is null)
            {
                var body = GC.AllocateUninitializedArray<byte>(Length);
                if (!ReadStored(0, body))
                {
                    return false;
                }

                Volatile.Write(ref _loaded, body);
            }

            return true;
        }
    }

    /// <summary>The whole body (loaded on first use).</summary>
    /// <returns>The body's bytes.</returns>
    /// <exception cref="IOException">The body cannot be read or does not match what was stored.</exception>
    public sealed override Span<byte> GetSpan() =>
        TryLoad() ? _loaded! : throw new IOException("The stored body cannot be read, or does not match what was stored.");

    /// <summary>Pins the loaded body (loaded first).</summary>
    /// <param name="elementIndex">The first byte pinned.</param>
    /// <returns>The handle of the pinned bytes.</returns>
    /// <exception cref="IOException">The body cannot be read or does not match what was stored.</exception>
    public sealed override MemoryHandle Pin(int elementIndex = 0)
    {
        _ = GetSpan();
        return _loaded!.AsMemory(elementIndex).Pin();
    }

    /// <summary>Nothing to do: <see cref="Pin"/> hands out a handle that owns its pin.</summary>
    public sealed override void Unpin()
    {
    }

    /// <summary>
    /// Reads <paramref name="destination"/>'s length of bytes from <paramref name="offset"/> where the store keeps the
    /// body, checking them; called without the body loaded, possibly from several threads at once.
    /// </summary>
    /// <param name="offset">The first byte to read.</param>
    /// <param name="destination">Where the bytes go (not empty).</param>
    /// <returns><see langword="false"/> when they cannot be read or do not match what was stored.</returns>
    protected abstract bool ReadStored(int offset, Memory<byte> destination);

    /// <summary>Nothing is held but managed memory.</summary>
    /// <param name="disposing">Unused.</param>
    protected override void Dispose(bool disposing)
    {
    }
}
