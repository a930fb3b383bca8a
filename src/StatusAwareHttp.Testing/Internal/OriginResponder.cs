using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace StatusAwareHttp.Testing.Internal;

/// <summary>
/// Answers one request of a <see cref="TestOrigin"/>: finds its route, checks Digest, plays the route's next step, and
/// answers with the representation as a correct origin does (preconditions, ranges, HEAD, QUERY, PUT and DELETE).
/// </summary>
internal sealed class OriginResponder(TestOrigin origin)
{
    public async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        var request = await ReadAsync(context, aborted).ConfigureAwait(false);
        origin.Record(request);
        try
        {
            await AnswerAsync(context, request, aborted).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException && !context.Response.HasStarted)
        {
            // A test's own function (a representation chooser, a fallback) threw: the answer says so, where the test looks.
            context.Response.Clear();
            await WriteTextAsync(context, request, 500, $"TestOrigin: answering {request.Method} {request.Path} threw {error.GetType().Name}: {error.Message}", aborted).ConfigureAwait(false);
        }
    }

    private async Task AnswerAsync(HttpContext context, ReceivedRequest request, CancellationToken aborted)
    {

        var route = origin.Find(request.Path);
        if (route is null)
        {
            if (origin.Fallback is { } fallback && await fallback.TryAnswerAsync(request, context.Response, aborted).ConfigureAwait(false))
            {
                request.Answered(context.Response.StatusCode);
                return;
            }

            await WriteTextAsync(context, request, 404, $"TestOrigin: no route for {request.Method} {request.Path}", aborted).ConfigureAwait(false);
            return;
        }

        route.Record(request);
        if (route.Digest is { } digest)
        {
            var verdict = digest.Verify(request.Method, request.Target, request.Header("Authorization"));
            if (verdict != DigestVerdict.Valid)
            {
                context.Response.Headers.WWWAuthenticate = digest.Challenge(stale: verdict == DigestVerdict.Stale);
                await WriteTextAsync(context, request, 401, "Digest authentication required", aborted).ConfigureAwait(false);
                return;
            }
        }

        var step = route.TakeStep();
        switch (step?.Kind)
        {
            case TestStepKind.Status:
                AddFields(context.Response, step.Headers);
                await WriteTextAsync(context, request, step.Status, step.Body, aborted).ConfigureAwait(false);
                return;
            case TestStepKind.Hold:
                await step.Gate!.WaitAsync(aborted).ConfigureAwait(false);
                break;
            case TestStepKind.Representation:
                AddFields(context.Response, step.Headers);
                break;
        }

        var cut = step?.Kind == TestStepKind.Cut ? step.CutAfterBytes : (int?)null;
        await AnswerRepresentationAsync(context, route, request, cut, aborted).ConfigureAwait(false);
    }

    private async Task AnswerRepresentationAsync(HttpContext context, TestRoute route, ReceivedRequest request, int? cut, CancellationToken aborted)
    {
        var method = request.Method;
        if ((method == "QUERY") != route.AcceptsQuery && method != "OPTIONS")
        {
            // A QUERY route answers QUERY only; the others every method but QUERY.
            context.Response.Headers.Allow = route.AcceptsQuery ? "QUERY, OPTIONS" : "GET, HEAD, PUT, DELETE, POST, OPTIONS";
            await WriteTextAsync(context, request, 405, $"TestOrigin: {method} is not accepted at {request.Path}", aborted).ConfigureAwait(false);
            return;
        }

        var current = route.Select(request);

        var fields = new ConditionalFields(
            Joined(context.Request.Headers.IfMatch),
            Joined(context.Request.Headers.IfNoneMatch),
            Joined(context.Request.Headers.IfModifiedSince),
            Joined(context.Request.Headers.IfUnmodifiedSince));
        var etag = current is { SendETag: true } ? current.ETag : null;
        var lastModified = current is { SendLastModified: true } ? current.LastModified : null;
        var outcome = Preconditions.Evaluate(method, fields, etag, lastModified, current is not null);
        if (outcome == PreconditionOutcome.Failed)
        {
            await WriteTextAsync(context, request, 412, null, aborted).ConfigureAwait(false);
            return;
        }

        switch (method)
        {
            case "GET" or "HEAD" or "QUERY" when current is not null:
                if (outcome == PreconditionOutcome.NotModified)
                {
                    WriteMetadata(context.Response, current, etag, lastModified, notModified: true);
                    await WriteTextAsync(context, request, 304, null, aborted).ConfigureAwait(false);
                    return;
                }

                await WriteRepresentationAsync(context, request, current, etag, lastModified, cut, aborted).ConfigureAwait(false);
                return;
            case "GET" or "HEAD" or "QUERY":
                await WriteTextAsync(context, request, 404, $"TestOrigin: {request.Path} has no representation", aborted).ConfigureAwait(false);
                return;
            case "PUT":
                var mediaType = context.Request.ContentType ?? "application/octet-stream";
                route.Representation = (route.Representation ?? new TestRepresentation()) with { Body = request.Body.ToArray(), MediaType = mediaType, LastModified = null };
                await WriteTextAsync(context, request, current is null ? 201 : 204, null, aborted).ConfigureAwait(false);
                return;
            case "DELETE":
                route.Representation = null;
                await WriteTextAsync(context, request, current is null ? 404 : 204, null, aborted).ConfigureAwait(false);
                return;
            case "POST":
                await WriteTextAsync(context, request, 204, null, aborted).ConfigureAwait(false);
                return;
            default:
                context.Response.Headers.Allow = route.AcceptsQuery ? "QUERY, OPTIONS" : "GET, HEAD, PUT, DELETE, POST, OPTIONS";
                await WriteTextAsync(context, request, method == "OPTIONS" ? 204 : 405, null, aborted).ConfigureAwait(false);
                return;
        }
    }

    private async Task WriteRepresentationAsync(
        HttpContext context, ReceivedRequest request, TestRepresentation representation, string? etag, DateTimeOffset? lastModified, int? cut, CancellationToken aborted)
    {
        var response = context.Response;
        var body = representation.Body;
        var now = origin.TimeProvider.GetUtcNow();
        WriteMetadata(response, representation, etag, lastModified, notModified: false);
        response.ContentType = representation.MediaType;
        var range = RangeAnswer.Full;
        if (request.Method == "GET")
        {
            response.Headers.AcceptRanges = "bytes";
            var ifRange = Joined(context.Request.Headers.IfRange);
            var holds = ifRange is null || Preconditions.IfRangeHolds(ifRange, etag, lastModified, now);
            range = ByteRanges.Evaluate(Joined(context.Request.Headers.Range), holds, body.Length);
        }

        switch (range.Outcome)
        {
            case RangeOutcome.NotSatisfiable:
                response.ContentType = null;
                response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes */{body.Length}");
                await WriteTextAsync(context, request, 416, null, aborted).ConfigureAwait(false);
                return;
            case RangeOutcome.Partial when range.Ranges.Count == 1:
                var (first, last) = range.Ranges[0];
                response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {first}-{last}/{body.Length}");
                await WriteBodyAsync(context, request, 206, body.Slice((int)first, (int)(last - first + 1)), cut, aborted).ConfigureAwait(false);
                return;
            case RangeOutcome.Partial:
                var boundary = "TestOriginParts" + Convert.ToHexStringLower(BitConverter.GetBytes(Environment.TickCount64));
                response.ContentType = "multipart/byteranges; boundary=" + boundary;
                await WriteBodyAsync(context, request, 206, Multipart(boundary, representation.MediaType, body, range.Ranges), cut, aborted).ConfigureAwait(false);
                return;
            default:
                await WriteBodyAsync(context, request, 200, body, cut, aborted).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>The fields of a 200, 206 and (RFC 9110 §15.4.5) 304: Cache-Control, ETag, Vary, the representation's own; Last-Modified too, but on a 304 only without an ETag.</summary>
    private static void WriteMetadata(HttpResponse response, TestRepresentation representation, string? etag, DateTimeOffset? lastModified, bool notModified)
    {
        if (etag is not null)
        {
            response.Headers.ETag = etag;
        }

        if (lastModified is { } modified && (!notModified || etag is null))
        {
            response.Headers.LastModified = HeaderUtilities.FormatDate(modified);
        }

        if (representation.CacheControl is { } cacheControl)
        {
            response.Headers.CacheControl = cacheControl;
        }

        if (representation.Vary is { } vary)
        {
            response.Headers.Vary = vary;
        }

        AddFields(response, representation.Headers);
    }

    private static ReadOnlyMemory<byte> Multipart(string boundary, string mediaType, ReadOnlyMemory<byte> body, IReadOnlyList<(long First, long Last)> ranges)
    {
        // RFC 9110 §14.6: each part has its Content-Type and Content-Range, the parts between boundary delimiters.
        using var buffer = new MemoryStream();
        foreach (var (first, last) in ranges)
        {
            var head = string.Create(CultureInfo.InvariantCulture, $"\r\n--{boundary}\r\nContent-Type: {mediaType}\r\nContent-Range: bytes {first}-{last}/{body.Length}\r\n\r\n");
            buffer.Write(Encoding.ASCII.GetBytes(head));
            buffer.Write(body.Span.Slice((int)first, (int)(last - first + 1)));
        }

        buffer.Write(Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n"));
        return buffer.ToArray();
    }

    private async Task WriteBodyAsync(HttpContext context, ReceivedRequest request, int status, ReadOnlyMemory<byte> body, int? cut, CancellationToken aborted)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers.Date = HeaderUtilities.FormatDate(origin.TimeProvider.GetUtcNow());
        if (status is not (204 or 304))
        {
            response.ContentLength = body.Length;
        }

        if (request.Method == "HEAD" || body.IsEmpty)
        {
            request.Answered(status);
            return;
        }

        if (cut is { } bytes)
        {
            // The header says the whole length; part of the body goes out, then the connection is closed under it.
            await response.StartAsync(aborted).ConfigureAwait(false);
            await response.Body.WriteAsync(body[..Math.Min(bytes, body.Length)], aborted).ConfigureAwait(false);
            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            request.Answered(status);

            // Returning short of Content-Length makes Kestrel close the connection after what was sent (an abort
            // would reset it, and might discard the bytes still buffered).
            return;
        }

        request.Answered(status);
        await response.Body.WriteAsync(body, aborted).ConfigureAwait(false);
    }

    private Task WriteTextAsync(HttpContext context, ReceivedRequest request, int status, string? text, CancellationToken aborted)
    {
        if (text is not null)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
        }

        return WriteBodyAsync(context, request, status, text is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(text), cut: null, aborted);
    }

    private static void AddFields(HttpResponse response, IReadOnlyDictionary<string, string> fields)
    {
        foreach (var (name, value) in fields)
        {
            response.Headers[name] = value;
        }
    }

    private static string? Joined(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : string.Join(", ", values.ToArray());

    private async Task<ReceivedRequest> ReadAsync(HttpContext context, CancellationToken aborted)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, aborted).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers)
        {
            headers[name] = string.Join(", ", values.ToArray());
        }

        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : context.Request.Path + context.Request.QueryString;
        return new ReceivedRequest(context.Request.Method, target, headers, buffer.ToArray(), origin.TimeProvider.GetUtcNow());
    }
}
