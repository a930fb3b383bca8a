using System.Net.Http.Headers;

namespace StatusAwareHttp.Internal;

/// <summary>
/// The content of a query (RFC 10008), read once into memory within <c>Cache.MaxQueryContentBytes</c>: its bytes key
/// the response (§2.7), and it can be sent again whole on a retry (§2: idempotent) or a redirect (§2.5). While the
/// request is handled its content is a <see cref="QueryContent"/> over those bytes, with the original's content
/// headers; <see cref="Restore"/> puts the caller's content object back.
/// </summary>
internal sealed class QueryContent : ByteArrayContent
{
    private readonly byte[] _bytes;

    private QueryContent(byte[] bytes, HttpContent? original)
        : base(bytes)
    {
        _bytes = bytes;
        Original = original;
    }

    /// <summary>Gets the content as sent.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Gets the caller's content this one stands for; null for a copy.</summary>
    public HttpContent? Original { get; }

    /// <summary>
    /// Makes the content of a query <paramref name="request"/> a <see cref="QueryContent"/>, read once, unless it is one
    /// already (a handler outside read it); null when it cannot be read within <paramref name="maxBytes"/> without
    /// changing what is sent: a <c>Content-Length</c> over the bound, or a one-shot stream of unknown length (it is then
    /// sent as it is). <see cref="Reading.Made"/> tells whether this call made it, and so is the one to restore the caller's content.
    /// </summary>
    /// <exception cref="HttpRequestException">A stream that does not hold the bytes its <c>Content-Length</c> announces.</exception>
    public static async ValueTask<Reading> ReadAsync(HttpRequestMessage request, long maxBytes, bool async, CancellationToken cancellationToken)
    {
        var content = request.Content;
        if (content is QueryContent already)
        {
            return new(already, Made: false);
        }

        if (content is null)
        {
            return default;
        }

        var announced = content.Headers.ContentLength;
        var resendable = RequestBody.CanResend(content);
        if (announced > maxBytes || (announced is null && !resendable))
        {
            return default;
        }

        using var buffer = new BoundedStream(maxBytes);
        try
        {
            if (async)
            {
                await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                content.CopyTo(buffer, null, cancellationToken);
            }
        }
        catch (BoundedStream.FullException) when (resendable)
        {
            // Serialised content (JSON) longer than the bound: it is sent as it is, serialised again.
            return default;
        }
        catch (BoundedStream.FullException)
        {
            throw Mismatch(request, announced, "more");
        }

        if (announced is { } length && buffer.Length != length)
        {
            throw Mismatch(request, announced, buffer.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var query = new QueryContent(buffer.ToArray(), content);
        CopyHeaders(content.Headers, query.Headers);
        request.Content = query;
        return new(query, Made: true);
    }

    /// <summary>A new content with the same bytes and headers, for a request of its own (a background revalidation).</summary>
    public QueryContent Copy()
    {
        var copy = new QueryContent(_bytes, original: null);
        CopyHeaders(Headers, copy.Headers);
        return copy;
    }

    /// <summary>Puts the caller's content back on <paramref name="request"/> when this one stands for it.</summary>
    private void Restore(HttpRequestMessage request)
    {
        if (Original is { } original && ReferenceEquals(request.Content, this))
        {
            request.Content = original;
        }
    }

    /// <summary>What <see cref="ReadAsync"/> gives: the content read (null when it could not be), and whether that call made it.</summary>
    /// <param name="Content">The content read, or null.</param>
    /// <param name="Made">Whether the call made it (else a handler outside did, and restores the caller's content).</param>
    internal readonly record struct Reading(QueryContent? Content, bool Made)
    {
        /// <summary>Puts the caller's content back on <paramref name="request"/> when this call replaced it.</summary>
        public void Restore(HttpRequestMessage request)
        {
            if (Made)
            {
                Content!.Restore(request);
            }
        }
    }

    private static void CopyHeaders(HttpContentHeaders from, HttpContentHeaders to)
    {
        foreach (var field in from.NonValidated)
        {
            // Content-Length is the bytes' own.
            if (!string.Equals(field.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                to.TryAddWithoutValidation(field.Key, field.Value);
            }
        }
    }

    private static HttpRequestException Mismatch(HttpRequestMessage request, long? announced, string read) =>
        new($"The content of {request.Method} {UriRedaction.Redact(request.RequestUri)} announces a Content-Length of {announced} bytes but holds {read}.");

    /// <summary>A memory stream that refuses to grow past its bound (not with an <see cref="IOException"/>, which <see cref="HttpContent"/> would wrap).</summary>
    private sealed class BoundedStream(long bound) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            Check(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check(buffer.Length);
            base.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Check(count);
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Check(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }

        public override void WriteByte(byte value)
        {
            Check(1);
            base.WriteByte(value);
        }

        private void Check(int count)
        {
            if (Length + count > bound)
            {
                throw new FullException();
            }
        }

        internal sealed class FullException : Exception;
    }
}
