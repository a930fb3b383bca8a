namespace StatusAwareHttp.Downloads.Internal;

/// <summary>
/// Where the bytes go: a seekable stream, and for a file the path of its sidecar. The order of the I/O keeps the
/// sidecar true of the bytes: truncation reaches the disk before a new sidecar is written, and a new sidecar is
/// written before the first byte of the representation it describes.
/// </summary>
internal sealed class DownloadTarget
{
    private readonly Stream _stream;

    public DownloadTarget(Stream stream, string? sidecarPath)
    {
        _stream = stream;
        SidecarPath = sidecarPath;
    }

    /// <summary>Gets the path of the sidecar, or <see langword="null"/> for a stream (which keeps no state between calls).</summary>
    public string? SidecarPath { get; }

    public long Length => _stream.Length;

    public void Truncate()
    {
        _stream.SetLength(0);
        _stream.Position = 0;
        (_stream as FileStream)?.Flush(flushToDisk: true);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, long offset, CancellationToken cancellationToken)
    {
        if (_stream.Position != offset)
        {
            _stream.Position = offset;
        }

        return _stream.WriteAsync(bytes, cancellationToken);
    }

    public async Task SaveAsync(Sidecar? sidecar, Uri uri, CancellationToken cancellationToken)
    {
        if (SidecarPath is null)
        {
            return;
        }

        if (sidecar is null)
        {
            Sidecar.Delete(SidecarPath);
            return;
        }

        await sidecar.WriteAsync(SidecarPath, uri, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Feeds every byte of the target to <paramref name="digest"/>, in one pass; false when the stream cannot be read back.</summary>
    public async Task<bool> HashAsync(Digests.Internal.BodyDigest digest, CancellationToken cancellationToken)
    {
        if (!_stream.CanRead || !_stream.CanSeek)
        {
            return false;
        }

        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            _stream.Position = 0;
            int read;
            while ((read = await _stream.ReadAsync(buffer.AsMemory(0, 81920), cancellationToken).ConfigureAwait(false)) > 0)
            {
                digest.Append(buffer.AsSpan(0, read));
            }

            return true;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Makes the bytes durable, then removes the sidecar: a whole file has none.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (_stream is FileStream file)
        {
            file.Flush(flushToDisk: true);
        }

        if (SidecarPath is not null)
        {
            Sidecar.Delete(SidecarPath);
        }
    }
}
