using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StatusAwareHttp.Testing.Har;

/// <summary>
/// Reads a HAR log from bytes and checks each entry for what replay needs. Every fault, whether of JSON or of content,
/// becomes a <see cref="HarFormatException"/> naming where it is; no other exception leaves <see cref="Read"/>.
/// Entries replay cannot use but browsers legitimately write are skipped: status 0 (the request got no response), an
/// interim status (<c>101 Switching Protocols</c> of a WebSocket) and URLs other than http/https (<c>data:</c>, <c>ws:</c>).
/// </summary>
internal static class HarLogReader
{
    /// <summary>Reads and checks a log.</summary>
    /// <param name="utf8">The file's bytes.</param>
    /// <param name="attachment">
    /// Reads a body Playwright saved beside the file (<c>content._file</c>, its <c>content: "attach"</c> mode) by its file
    /// name; null when the log was not read from a file or a zip. A body read so is put in the log (base64), so the log
    /// written back stands alone.
    /// </param>
    public static (HarLog Log, IReadOnlyList<HarExchange> Exchanges) Read(ReadOnlySpan<byte> utf8, Func<string, byte[]?>? attachment = null)
    {
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        HarDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(utf8, HarJsonContext.Default.HarDocument);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException
                                       or FormatException or OverflowException or DecoderFallbackException)
        {
            throw new HarFormatException($"The input is not a valid HAR 1.2 log: {ex.Message}", ex);
        }

        var log = document?.Log ?? throw new HarFormatException("The input is not a valid HAR 1.2 log: it has no \"log\" object.");
        var entries = log.Entries ?? throw new HarFormatException("The input is not a valid HAR 1.2 log: \"log\" has no \"entries\" array.");
        var exchanges = new List<HarExchange>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var exchange = Check(entries[i], i, attachment);
            if (exchange is not null)
            {
                exchanges.Add(exchange);
            }
        }

        return (log, exchanges);
    }

    private static HarExchange? Check(HarEntry? entry, int index, Func<string, byte[]?>? attachment)
    {
        var at = $"log.entries[{index}]";
        if (entry is null)
        {
            throw Fault(at, "is null");
        }

        var request = entry.Request ?? throw Fault(at, "has no request");
        var response = entry.Response ?? throw Fault(at, "has no response");
        var method = request.Method;
        if (string.IsNullOrEmpty(method) || !HeaderSyntax.IsToken(method))
        {
            throw Fault(at + ".request.method", "is not an HTTP method");
        }

        // On Unix "/path" reads as an absolute file: URI; a HAR URL names its scheme.
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || (url.IsFile && !request.Url!.StartsWith("file:", StringComparison.OrdinalIgnoreCase)))
        {
            throw Fault(at + ".request.url", "is not an absolute URL");
        }

        if (!DateTimeOffset.TryParse(entry.StartedDateTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var started))
        {
            throw Fault(at + ".startedDateTime", "is not an ISO 8601 date and time");
        }

        if (response.Status != 0 && response.Status is < 100 or > 999)
        {
            throw Fault(at + ".response.status", $"is {response.Status}, not an HTTP status");
        }

        Finite(at + ".time", entry.Time);
        Finite(at + ".request.headersSize", request.HeadersSize);
        Finite(at + ".request.bodySize", request.BodySize);
        Finite(at + ".response.headersSize", response.HeadersSize);
        Finite(at + ".response.bodySize", response.BodySize);
        Finite(at + ".response.content.size", response.Content?.Size ?? 0);
        if (entry.Timings is { } t)
        {
            Finite(at + ".timings", t.Blocked, t.Dns, t.Connect, t.Send, t.Wait, t.Receive, t.Ssl);
        }

        var requestHeaders = Fields(request.Headers, at + ".request.headers");
        var responseHeaders = Fields(response.Headers, at + ".response.headers");
        var requestBody = request.PostData is { Text: { } postText } postData ? Decode(postText, postData.Encoding, at + ".request.postData") : null;
        var content = response.Content;
        if (content is { Text: null, File: { } file })
        {
            Attach(content, file, attachment, at + ".response.content._file");
        }

        var body = content?.Text is { } text ? Decode(text, content.Encoding, at + ".response.content") : [];
        if (response.Status is 0 or < 200 || url.Scheme is not ("http" or "https"))
        {
            return null;
        }

        return new HarExchange
        {
            Index = index,
            Started = started,
            Method = method,
            Url = url,
            RequestHeaders = requestHeaders,
            RequestBody = requestBody,
            Status = response.Status,
            ResponseHeaders = responseHeaders,
            ResponseBody = body,
            MimeType = string.IsNullOrEmpty(content?.MimeType) ? null : content.MimeType,
        };
    }

    private static List<KeyValuePair<string, string>> Fields(List<HarNameValue?>? items, string at)
    {
        var fields = new List<KeyValuePair<string, string>>(items?.Count ?? 0);
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            var item = items![i] ?? throw Fault($"{at}[{i}]", "is null");
            var name = item.Name ?? string.Empty;
            if (name.StartsWith(':'))
            {
                continue; // an HTTP/2 pseudo-field, as Chrome lists them
            }

            if (!HeaderSyntax.IsToken(name))
            {
                throw Fault($"{at}[{i}].name", "is not a field name");
            }

            var value = item.Value ?? string.Empty;
            if (!HeaderSyntax.IsFieldValue(value))
            {
                throw Fault($"{at}[{i}].value", "holds a control character");
            }

            fields.Add(new(name, value));
        }

        return fields;
    }

    private static void Attach(HarContent content, string file, Func<string, byte[]?>? attachment, string at)
    {
        if (attachment is null)
        {
            throw Fault(at, $"names \"{file}\", a body saved beside the file: read it with HarRecording.Load");
        }

        if (file.Length == 0 || file != Path.GetFileName(file) || file is "." or "..")
        {
            throw Fault(at, $"is \"{file}\", not a file name");
        }

        var bytes = attachment(file) ?? throw Fault(at, $"names \"{file}\", which is not beside the HAR file");
        content.Text = Convert.ToBase64String(bytes);
        content.Encoding = "base64";
        content.File = null;
    }

    /// <summary>A number JSON can write back: <c>1e999</c> reads as infinity, which no HAR writer can write.</summary>
    private static void Finite(string at, params ReadOnlySpan<double> values)
    {
        foreach (var value in values)
        {
            if (!double.IsFinite(value))
            {
                throw Fault(at, "is not a finite number");
            }
        }
    }

    private static byte[] Decode(string text, string? encoding, string at)
    {
        if (string.IsNullOrEmpty(encoding))
        {
            return Encoding.UTF8.GetBytes(text);
        }

        if (!string.Equals(encoding, "base64", StringComparison.OrdinalIgnoreCase))
        {
            throw Fault(at + ".encoding", $"is \"{encoding}\"; only base64 is known");
        }

        var buffer = new byte[text.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written))
        {
            throw Fault(at + ".text", "is not valid base64");
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    private static HarFormatException Fault(string at, string what) => new($"The input is not a valid HAR 1.2 log: {at} {what}.");
}
