using System.Net;

namespace StatusAwareHttp.Digests.Internal;

/// <summary>
/// The content of a buffered body that does not match its digest (RFC 9530): its reader gets the bytes received and
/// then the <see cref="DigestMismatchException"/>, at the end of the body, as a streamed body that does not match does.
/// </summary>
internal sealed class MismatchedBodyContent : HttpContent
{
    private readonly byte[] _bytes;
    private readonly DigestMismatchException _mismatch;

    public MismatchedBodyContent(HttpContent original, byte[] bytes, DigestMismatchException mismatch)
    {
        _bytes = bytes;
        _mismatch = mismatch;
        foreach (var header in original.Headers.NonValidated)
        {
            foreach (var value in header.Value)
            {
                Headers.TryAddWithoutValidation(header.Key, value);
            }
        }
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(_bytes).ConfigureAwait(false);
        throw _mismatch;
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new Reader(_bytes, _mismatch));

    protected override bool TryComputeLength(out long length)
    {
        length = _bytes.Length;
        return true;
    }

    /// <summary>The bytes, then the exception in place of the end of the stream.</summary>
    private sealed class Reader(byte[] bytes, DigestMismatchException mismatch) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            if (_position == bytes.Length)
            {
                throw mismatch;
            }

            var count = Math.Min(buffer.Length, bytes.Length - _position);
            bytes.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return new(Read(buffer.Span));
            }
            catch (DigestMismatchException ex)
            {
                return ValueTask.FromException<int>(ex);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
