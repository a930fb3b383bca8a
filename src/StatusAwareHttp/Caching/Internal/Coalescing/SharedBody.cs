using StatusAwareHttp.Digests.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>How a <see cref="SharedBody"/> ended, once no more readers may join.</summary>
internal enum BodyEnd
{
    /// <summary>Read whole from the origin (and handed to the store when still storable).</summary>
    Complete,

    /// <summary>Longer than <c>Cache.MaxEntryBytes</c>: no longer stored; its readers go on reading.</summary>
    TooLarge,

    /// <summary>The last reader disposed the response before its end (and the rest was too long or too slow to drain).</summary>
    Abandoned,

    /// <summary>The origin response failed before its end.</summary>
    OriginFailed,

    /// <summary>Read whole, but it does not match a digest its response announced (RFC 9530): not stored.</summary>
    DigestMismatch,
}

/// <summary>What a <see cref="SharedBody"/> reports to: it stores the whole body, and hears how the body ended.</summary>
internal interface ISharedBodyOwner
{
    /// <summary>Stores the whole body (called before any reader sees its end); its failures are its own to log.</summary>
    ValueTask StoreAsync(byte[] body);

    /// <summary>
    /// The origin failed after <paramref name="received"/>, the start of a body of <paramref name="length"/> bytes: kept
    /// as a part when it may be (RFC 9111 §3.3); its failures are its own to log.
    /// </summary>
    ValueTask StoreStartAsync(byte[] received, long length);

    /// <summary>Called once, when no more readers may join: complete, failed, abandoned or too large.</summary>
    void Ended(BodyEnd end);
}

/// <summary>
/// The body of one origin response, read once and buffered, readable by any number of callers, each at its own pace,
/// before and after it is complete. Whichever reader needs bytes not yet read pulls the next chunk from the origin,
/// on a token of its own, so one caller cancelling or disposing does not cut the others off. When the body ends it is
/// handed to the store (only when read whole). When the last reader leaves before the end, a short rest (at most
/// <see cref="DrainLimit"/> bytes, as the connection pool would drain anyway to reuse the connection) is still read
/// and stored, so a redirect or other small response disposed unread is kept; a longer one is dropped, unstored.
/// Past <c>maxBytes</c> it is no longer stored; with a single reader the buffer then keeps only what that reader has
/// not read yet, so a large body streams through in constant memory.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The token source is only cancelled, never registered on beyond the origin reads it cancels; it holds no timer or handle to dispose.")]
internal sealed class SharedBody
{
    /// <summary>The most bytes still read, to store the body, after the last reader left.</summary>
    public const int DrainLimit = 64 * 1024;

    /// <summary>How long that reading may take.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private const int ChunkSize = 16 * 1024;

    private readonly Lock _lock = new();
    private readonly HttpContent _origin;
    private readonly long _maxBytes;
    private readonly ISharedBodyOwner _owner;
    private readonly CancellationTokenSource _cancel;
    private readonly TimeProvider _time;
    private readonly BodyDigest? _digest;
    private ITimer? _drainTimer;
    private Stream? _stream;
    private byte[] _buffer;
    private long _start;
    private int _count;
    private bool _complete;
    private bool _abandoned;
    private bool _storing = true;
    private bool _closed;
    private Exception? _error;
    private int _readers;
    private bool _draining;
    private long _drainFrom;
    private bool _filling;

    // Made only when a second reader (or the drain) waits on a fill in progress: the one that starts a fill waits on it itself.
    private TaskCompletionSource? _fill;
    private int _ended;
    private int _originDisposed;

    /// <param name="origin">The origin response's content, owned from now on.</param>
    /// <param name="contentLength">The announced length (at most <paramref name="maxBytes"/>), or null.</param>
    /// <param name="maxBytes">The most bytes stored.</param>
    /// <param name="owner">Stores the whole body, and hears how it ended (one object, no delegates per body).</param>
    /// <param name="timeProvider">The clock of the drain timeout.</param>
    /// <param name="digest">The digests the response announced, checked as the bytes arrive (owned from now on), or null.</param>
    public SharedBody(HttpContent origin, long? contentLength, long maxBytes, ISharedBodyOwner owner, TimeProvider timeProvider, BodyDigest? digest = null)
    {
        _digest = digest;
        // No timer until one is needed (the drain): most bodies are read whole by their caller.
        _cancel = new CancellationTokenSource();
        _time = timeProvider;
        _origin = origin;
        ContentLength = contentLength;
        _maxBytes = maxBytes;
        _owner = owner;
        _buffer = contentLength is { } length ? new byte[length] : new byte[ChunkSize];
    }

    public long? ContentLength { get; }

    /// <summary>Gets the digest the body did not match, once it ended so (<see cref="BodyEnd.DigestMismatch"/>).</summary>
    public ExpectedDigest? DigestFailure { get; private set; }

    /// <summary>The first reader, the caller whose response the body is: a new body always takes it.</summary>
    public Reader FirstReader() => TryAddReader() ?? throw new InvalidOperationException("A new body takes its first reader.");

    /// <summary>Adds a reader starting at byte 0, or null when the body can no longer be shared.</summary>
    public Reader? TryAddReader()
    {
        lock (_lock)
        {
            if (_closed || _abandoned || _error is not null)
            {
                return null;
            }

            _readers++;
            return new Reader();
        }
    }

    public async ValueTask<int> ReadAsync(Reader reader, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            Task? wait = null;
            var start = false;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(reader.Released, typeof(Stream));
                var end = _start + _count;
                if (reader.Position < end)
                {
                    var offset = (int)(reader.Position - _start);
                    var n = Math.Min(destination.Length, _count - offset);
                    _buffer.AsSpan(offset, n).CopyTo(destination.Span);
                    reader.Position += n;
                    return n;
                }

                if (_complete)
                {
                    return 0;
                }

                if (_error is not null)
                {
                    // A new exception per reader (several may share the body); a digest mismatch names the digest.
                    throw _error is DigestMismatchException mismatch
                        ? new DigestMismatchException(mismatch.Digest, "the body was not stored")
                        : new IOException("The response body could not be read whole from the origin.", _error);
                }

                ObjectDisposedException.ThrowIf(_abandoned, typeof(Stream));
                if (!_filling)
                {
                    if (!_storing && _readers == 1)
                    {
                        // No longer stored, one reader, and it has read everything: drop what it has read.
                        _start = end;
                        _count = 0;
                        if (_buffer.Length > 4 * ChunkSize)
                        {
                            _buffer = new byte[ChunkSize];
                        }
                    }

                    _filling = true;
                    start = true;
                }
                else
                {
                    wait = (_fill ??= new TaskCompletionSource()).Task;
                }
            }

            // FillAsync never throws; when it completes at once (the bytes were there) nothing was allocated to wait on.
            wait = start ? FillAsync() : wait!;
            if (!wait.IsCompleted)
            {
                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Removes a reader; when it was the last and the body is not complete, the rest is read and stored when short,
    /// else the origin response is dropped.
    /// </summary>
    public void Release(Reader reader)
    {
        var abandon = false;
        var drain = false;
        lock (_lock)
        {
            if (reader.Released)
            {
                return;
            }

            reader.Released = true;
            _readers--;
            if (_readers == 0 && !_complete && _error is null && !_abandoned && !_draining)
            {
                drain = _storing && (ContentLength is not { } length || length - (_start + _count) <= DrainLimit);
                _draining = drain;
                abandon = !drain;
            }
        }

        if (drain)
        {
            _drainFrom = _start + _count;
            Volatile.Write(ref _drainTimer, _time.CreateTimer(static state => ((CancellationTokenSource)state!).Cancel(), _cancel, DrainTimeout, Timeout.InfiniteTimeSpan));
            _ = DrainAsync();
        }
        else if (abandon)
        {
            Abandon();
        }
    }

    private void Abandon()
    {
        lock (_lock)
        {
            if (_complete || _abandoned)
            {
                return;
            }

            _abandoned = true;
            _closed = true;
        }

        _cancel.Cancel();
        DisposeOrigin();
        End(BodyEnd.Abandoned);
    }

    /// <summary>Reads the rest with no reader, to store it; gives up past <see cref="DrainLimit"/> bytes.</summary>
    private async Task DrainAsync()
    {
        while (true)
        {
            Task? wait = null;
            var start = false;
            lock (_lock)
            {
                if (_complete || _error is not null || _abandoned)
                {
                    return;
                }

                if (_readers == 0 && _start + _count - _drainFrom > DrainLimit)
                {
                    break;
                }

                if (!_filling)
                {
                    _filling = true;
                    start = true;
                }
                else
                {
                    wait = (_fill ??= new TaskCompletionSource()).Task;
                }
            }

            await (start ? FillAsync() : wait!).ConfigureAwait(false);
        }

        Abandon();
    }

    /// <summary>Reads the next chunk from the origin (one fill at a time); never throws: failures are kept for the readers.</summary>
    private async Task FillAsync()
    {
        var completed = false;
        var overflowed = false;
        Exception? error = null;
        try
        {
            if (ContentLength is not { } announced || _count < announced)
            {
                _stream ??= await _origin.ReadAsStreamAsync(_cancel.Token).ConfigureAwait(false);
                Memory<byte> target;
                lock (_lock)
                {
                    target = Reserve();
                }

                var n = await _stream.ReadAsync(target, _cancel.Token).ConfigureAwait(false);

                // Hashed as it arrives (one fill at a time), so the check needs no second pass over the body.
                _digest?.Append(target.Span[..n]);
                lock (_lock)
                {
                    _count += n;
                    var total = _start + _count;
                    if (_storing && total > _maxBytes)
                    {
                        _storing = false;
                        _closed = true;
                        overflowed = true;
                    }

                    if (n == 0 && ContentLength is { } length && total < length)
                    {
                        error = new IOException($"The response ended after {total} of {length} bytes.");
                    }
                    else
                    {
                        completed = n == 0 || total == ContentLength;
                    }
                }
            }
            else
            {
                completed = true;
            }

        }
        catch (Exception ex)
        {
            error = ex;
            completed = false;
        }

        var digestFailed = false;
        if (completed && _digest?.Mismatch() is { } mismatch)
        {
            // RFC 9530 §5: the body is not what the origin digested; never stored, and its readers fail at its end.
            DigestFailure = mismatch;
            error = new DigestMismatchException(mismatch, "the body was not stored");
            completed = false;
            digestFailed = true;
        }

        if (completed && _storing)
        {
            // Stored before any reader sees the end, so a request made after reading the body finds it stored.
            // The callback logs its own failures; a failure to store never fails a read.
            try
            {
                var body = _count == _buffer.Length ? _buffer : _buffer.AsSpan(0, _count).ToArray();
                await _owner.StoreAsync(body).ConfigureAwait(false);
            }
            catch (Exception)
            {
            }
        }

        else if (!completed && error is not null && _storing && _digest is null && _start == 0 && _count > 0 && ContentLength is { } whole && _count < whole)
        {
            // RFC 9111 §3.3: the origin failed part-way; what arrived is the start of the representation, kept as a
            // part when it may be (a digest of the whole could not be checked: never kept then).
            try
            {
                await _owner.StoreStartAsync(_buffer.AsSpan(0, _count).ToArray(), whole).ConfigureAwait(false);
            }
            catch (Exception)
            {
            }
        }

        TaskCompletionSource? fill;
        lock (_lock)
        {
            if (completed)
            {
                _complete = true;
            }
            else if (error is not null)
            {
                _error ??= error;
                _closed = true;
            }

            fill = _fill;
            _fill = null;
            _filling = false;
        }

        if (overflowed)
        {
            End(BodyEnd.TooLarge);
        }

        if (completed || error is not null)
        {
            DisposeOrigin();
            End(completed ? BodyEnd.Complete : digestFailed ? BodyEnd.DigestMismatch : BodyEnd.OriginFailed);
        }

        fill?.SetResult();
    }

    /// <summary>Room for the next read: the rest of the buffer, grown when it is (nearly) full.</summary>
    private Memory<byte> Reserve()
    {
        var free = _buffer.Length - _count;
        if (free == 0 || (free < 1024 && ContentLength is null))
        {
            var grown = (int)Math.Min(Array.MaxLength, Math.Max(_buffer.Length * 2L, _count + (long)ChunkSize));
            var next = new byte[grown];
            _buffer.AsSpan(0, _count).CopyTo(next);
            _buffer = next;
        }

        return _buffer.AsMemory(_count);
    }

    private void DisposeOrigin()
    {
        if (Interlocked.Exchange(ref _originDisposed, 1) == 0)
        {
            _stream?.Dispose();
            _origin.Dispose();
            _digest?.Dispose();
        }
    }

    private void End(BodyEnd reason)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            Interlocked.Exchange(ref _drainTimer, null)?.Dispose();
            _owner.Ended(reason);
        }
    }

    /// <summary>One caller's position in the body.</summary>
    internal sealed class Reader
    {
        public long Position;
        public bool Released;
    }
}

