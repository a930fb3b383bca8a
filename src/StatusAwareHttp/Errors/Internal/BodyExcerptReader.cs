using System.Text;

namespace StatusAwareHttp.Errors.Internal;

/// <summary>Reads at most a bound of a body's bytes from its stream, never buffering the rest.</summary>
internal static class BodyExcerptReader
{
    /// <summary>
    /// Reads up to <paramref name="limit"/> bytes. <c>Truncated</c> is true when the body has more (known from
    /// Content-Length, or from one extra byte read). A body that fails mid-way gives what was read before the failure.
    /// </summary>
    public static async Task<(byte[] Buffer, int Count, bool Truncated)> ReadAsync(HttpContent? content, int limit, bool async, CancellationToken cancellationToken)
    {
        if (content is null || limit < 0)
        {
            return ([], 0, false);
        }

        var declared = content.Headers.ContentLength;
        if (declared == 0)
        {
            return ([], 0, false);
        }

        // One byte past the limit tells whether the body is longer, when Content-Length does not.
        var size = declared is { } length && length <= limit ? (int)length : limit + 1;
        var buffer = new byte[size];
        var count = 0;
        try
        {
            // With async false (HttpClient.Send) the stream is opened and read synchronously.
            var stream = async ? await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false) : content.ReadAsStream(cancellationToken);
            try
            {
                while (count < buffer.Length)
                {
                    var read = async
                        ? await stream.ReadAsync(buffer.AsMemory(count), cancellationToken).ConfigureAwait(false)
                        : stream.Read(buffer.AsSpan(count));
                    if (read == 0)
                    {
                        break;
                    }

                    count += read;
                }
            }
            finally
            {
                if (async)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    stream.Dispose();
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // A body that breaks off (or was disposed) still leaves the status; keep what arrived.
        }

        var truncated = count > limit || (declared is { } total && total > limit);
        return (buffer, Math.Min(count, limit), truncated);
    }

    /// <summary>Decodes bytes as text in the charset of the content type (UTF-8 when absent or unknown), dropping a character cut by the bound.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string? charset, bool truncated)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        var encoding = GetEncoding(charset);
        var decoder = encoding.GetDecoder();

        // flush: false leaves a multi-byte character cut at the bound undecoded instead of turning it into U+FFFD.
        var chars = new char[encoding.GetMaxCharCount(bytes.Length)];
        var written = decoder.GetChars(bytes, chars, flush: !truncated);
        var text = new string(chars, 0, written);

        // A UTF-8 byte order mark is not part of the text.
        return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
    }

    private static Encoding GetEncoding(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return Encoding.UTF8;
        }

        try
        {
            return Encoding.GetEncoding(charset.Trim('"', ' '));
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }
}
