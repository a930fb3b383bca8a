using System.Globalization;
using System.IO.Compression;

namespace StatusAwareHttp.Testing.Har;

/// <summary>The handler of a <see cref="HarRecorder"/>: sends each request on and records the exchange as an entry.</summary>
internal sealed class RecordingHandler(HarRecorder recorder) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var exchange = new Exchange(recorder);
        var requestBody = request.Content is null ? null : await ReadAsync(request.Content, cancellationToken).ConfigureAwait(false);
        exchange.Sent(request, requestBody);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            exchange.Failed(ex);
            throw;
        }

        exchange.HeadersReceived();
        byte[] body;
        try
        {
            body = await ReadAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            exchange.Failed(ex);
            response.Dispose();
            throw;
        }

        exchange.Received(response, Decoded(body, response));
        return response;
    }

    /// <summary>The same recording for <see cref="HttpClient.Send(HttpRequestMessage)"/>: every read synchronous.</summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var exchange = new Exchange(recorder);
        byte[]? requestBody = null;
        if (request.Content is { } content)
        {
            (requestBody, request.Content) = Buffer(content, cancellationToken);
        }

        exchange.Sent(request, requestBody);
        HttpResponseMessage response;
        try
        {
            response = base.Send(request, cancellationToken);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            exchange.Failed(ex);
            throw;
        }

        exchange.HeadersReceived();
        byte[] body;
        try
        {
            (body, response.Content) = Buffer(response.Content, cancellationToken);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            exchange.Failed(ex);
            response.Dispose();
            throw;
        }

        exchange.Received(response, Decoded(body, response));
        return response;
    }

    private static bool IsFailure(Exception ex) => ex is HttpRequestException or OperationCanceledException or IOException;

    /// <summary>Buffers the content (so the caller can still read it) and returns its bytes.</summary>
    private static async Task<byte[]> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        return await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The content's bytes read synchronously, and a content of those bytes with the same header fields to send or hand
    /// on in its place (HttpContent has no synchronous buffering, and a stream may be read only once).
    /// </summary>
    private static (byte[] Bytes, HttpContent Buffered) Buffer(HttpContent content, CancellationToken cancellationToken)
    {
        byte[] bytes;
        using (var stream = content.ReadAsStream(cancellationToken))
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }

        var buffered = new ByteArrayContent(bytes);
        foreach (var header in content.Headers)
        {
            buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        content.Dispose();
        return (bytes, buffered);
    }

    /// <summary>One exchange being recorded: its place in the recording, its times, and the entry it becomes.</summary>
    private sealed class Exchange(HarRecorder recorder)
    {
        private readonly TimeProvider _clock = recorder.Options.TimeProvider;
        private readonly long _sequence = recorder.Begin();
        private readonly DateTimeOffset _started = recorder.Options.TimeProvider.GetUtcNow();
        private readonly long _start = recorder.Options.TimeProvider.GetTimestamp();
        private readonly HarScrubber _scrub = new(recorder.Options);
        private HarEntry? _entry;
        private TimeSpan? _headers;

        public void Sent(HttpRequestMessage request, byte[]? body) => _entry = new HarEntry
        {
            StartedDateTime = _started.ToString("yyyy-MM-dd'T'HH':'mm':'ss.fffK", CultureInfo.InvariantCulture),
            Request = HarEntries.Request(request, body, _scrub),
            Cache = new HarCache(),
        };

        public void HeadersReceived() => _headers = _clock.GetElapsedTime(_start);

        /// <summary>No answer, or a body cut short: the entry records the failure (a wait of the whole time when no headers came).</summary>
        public void Failed(Exception ex) =>
            Finish(HarEntries.Failed(ex), _headers ?? _clock.GetElapsedTime(_start), TimeSpan.Zero);

        public void Received(HttpResponseMessage response, byte[] body)
        {
            var headers = _headers ?? TimeSpan.Zero;
            Finish(HarEntries.Response(response, body, _scrub), headers, _clock.GetElapsedTime(_start) - headers);
        }

        private void Finish(HarResponse response, TimeSpan wait, TimeSpan receive)
        {
            var entry = _entry!;
            entry.Response = response;
            entry.Timings = new HarTimings { Send = 0, Wait = wait.TotalMilliseconds, Receive = receive.TotalMilliseconds };
            entry.Time = (wait + receive).TotalMilliseconds;
            recorder.Add(_sequence, entry);
        }
    }

    /// <summary>The body as HAR keeps it: after the <c>Content-Encoding</c> the socket handler did not undo.</summary>
    private static byte[] Decoded(byte[] body, HttpResponseMessage response)
    {
        var codings = response.Content.Headers.ContentEncoding;
        if (codings.Count != 1 || body.Length == 0)
        {
            return body;
        }

        try
        {
            using var input = new MemoryStream(body);
            using Stream decoder = codings.First().ToUpperInvariant() switch
            {
                "GZIP" or "X-GZIP" => new GZipStream(input, CompressionMode.Decompress),
                "DEFLATE" => new ZLibStream(input, CompressionMode.Decompress),
                "BR" => new BrotliStream(input, CompressionMode.Decompress),
                _ => input,
            };
            using var output = new MemoryStream();
            decoder.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return body;
        }
    }
}
