using System.Globalization;
using System.IO.Compression;

namespace StatusAwareHttp.Testing.Har;

/// <summary>The handler of a <see cref="HarRecorder"/>: sends each request on and records the exchange as an entry.</summary>
internal sealed class RecordingHandler(HarRecorder recorder) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var clock = recorder.Options.TimeProvider;
        var sequence = recorder.Begin();
        var started = clock.GetUtcNow();
        var start = clock.GetTimestamp();
        byte[]? requestBody = null;
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            requestBody = await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }

        var scrub = new HarScrubber(recorder.Options);
        var entry = new HarEntry
        {
            StartedDateTime = started.ToString("yyyy-MM-dd'T'HH':'mm':'ss.fffK", CultureInfo.InvariantCulture),
            Request = HarEntries.Request(request, requestBody, scrub),
            Cache = new HarCache(),
        };

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            Finish(entry, HarEntries.Failed(ex), clock.GetElapsedTime(start), TimeSpan.Zero, sequence);
            throw;
        }

        var headers = clock.GetElapsedTime(start);
        byte[] body;
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            body = Decoded(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), response);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            Finish(entry, HarEntries.Failed(ex), headers, TimeSpan.Zero, sequence);
            response.Dispose();
            throw;
        }

        Finish(entry, HarEntries.Response(response, body, scrub), headers, clock.GetElapsedTime(start) - headers, sequence);
        return response;
    }

    private void Finish(HarEntry entry, HarResponse response, TimeSpan wait, TimeSpan receive, long sequence)
    {
        entry.Response = response;
        entry.Timings = new HarTimings { Send = 0, Wait = wait.TotalMilliseconds, Receive = receive.TotalMilliseconds };
        entry.Time = (wait + receive).TotalMilliseconds;
        recorder.Add(sequence, entry);
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
