using System.Buffers;
using System.Net;

namespace StatusAwareHttp.Caching.Internal;

internal sealed class SharedBodyContent : HttpContent
{
    private readonly SharedBody _body;
    private readonly SharedBody.Reader _reader;

    public SharedBodyContent(SharedBody body, SharedBody.Reader reader)
    {
        _body = body;
        _reader = reader;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int n;
            while ((n = await _body.ReadAsync(_reader, buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The synchronous path (<c>HttpClient.Send</c> buffers the content this way): each read waits for the origin's chunk.</summary>
    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int n;
            while ((n = ReadBlocking(_body, _reader, buffer, cancellationToken)) > 0)
            {
                stream.Write(buffer, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new SharedBodyStream(_body, _reader));

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => new SharedBodyStream(_body, _reader);

    /// <summary>Reads on the caller's thread: at once when the bytes are buffered, else waiting for the origin's next chunk.</summary>
    private static int ReadBlocking(SharedBody body, SharedBody.Reader reader, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var read = body.ReadAsync(reader, destination, cancellationToken);
        return read.IsCompleted ? read.GetAwaiter().GetResult() : read.AsTask().GetAwaiter().GetResult();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.ContentLength ?? 0;
        return _body.ContentLength is not null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Release(_reader);
        }

        base.Dispose(disposing);
    }

    private sealed class SharedBodyStream : Stream
    {
        private readonly SharedBody _body;
        private readonly SharedBody.Reader _reader;

        public SharedBodyStream(SharedBody body, SharedBody.Reader reader)
        {
            _body = body;
            _reader = reader;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _body.ReadAsync(_reader, buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _body.ReadAsync(_reader, buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
            try
            {
                var n = ReadBlocking(_body, _reader, rented.AsMemory(0, buffer.Length), CancellationToken.None);
                rented.AsSpan(0, n).CopyTo(buffer);
                return n;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _body.Release(_reader);
            }

            base.Dispose(disposing);
        }
    }
}
