using System.Text;

namespace StatusAwareHttp.Testing.Har;

/// <summary>The HAR request and response objects of an exchange, scrubbed.</summary>
internal static class HarEntries
{
    public static HarRequest Request(HttpRequestMessage request, byte[]? body, HarScrubber scrub)
    {
        var url = scrub.Url(request.RequestUri ?? throw new InvalidOperationException("The request has no URI."));
        var headers = Fields(request.Headers, request.Content?.Headers, scrub);
        return new HarRequest
        {
            Method = request.Method.Method,
            Url = url.AbsoluteUri,
            HttpVersion = "HTTP/" + request.Version.ToString(2),
            Cookies = [],
            Headers = headers,
            QueryString = [.. HarQuery.Parse(url.Query).Select(p => new HarNameValue { Name = p.Key, Value = p.Value })],
            PostData = body is null ? null : PostData(body, request.Content!.Headers.ContentType?.ToString()),
            HeadersSize = -1,
            BodySize = body?.Length ?? 0,
        };
    }

    public static HarResponse Response(HttpResponseMessage response, byte[] body, HarScrubber scrub)
    {
        var mediaType = response.Content.Headers.ContentType?.ToString() ?? string.Empty;
        var text = AsText(body, mediaType);
        return new HarResponse
        {
            Status = (int)response.StatusCode,
            StatusText = response.ReasonPhrase ?? string.Empty,
            HttpVersion = "HTTP/" + response.Version.ToString(2),
            Cookies = [],
            Headers = Fields(response.Headers, response.Content.Headers, scrub),
            Content = new HarContent
            {
                Size = body.Length,
                MimeType = mediaType,
                Text = body.Length == 0 ? null : text ?? Convert.ToBase64String(body),
                Encoding = body.Length == 0 || text is not null ? null : "base64",
            },
            RedirectUrl = response.Headers.Location is { } location ? scrub.UrlText(location.OriginalString) : string.Empty,
            HeadersSize = -1,
            BodySize = body.Length,
        };
    }

    /// <summary>An exchange that got no response: status 0, as browsers write it, with the error as the comment.</summary>
    public static HarResponse Failed(Exception error) => new()
    {
        Status = 0,
        StatusText = error.GetType().Name,
        HttpVersion = string.Empty,
        Cookies = [],
        Headers = [],
        Content = new HarContent { Size = 0, MimeType = string.Empty },
        RedirectUrl = string.Empty,
    };

    private static HarPostData PostData(byte[] body, string? mediaType)
    {
        var text = AsText(body, mediaType ?? string.Empty);
        return new HarPostData
        {
            MimeType = mediaType ?? string.Empty,
            Text = text ?? Convert.ToBase64String(body),
            Encoding = text is null ? "base64" : null,
        };
    }

    private static List<HarNameValue?> Fields(
        System.Net.Http.Headers.HttpHeaders headers, System.Net.Http.Headers.HttpHeaders? content, HarScrubber scrub)
    {
        var fields = new List<HarNameValue?>();
        foreach (var set in content is null ? [headers] : new[] { headers, content })
        {
            foreach (var header in set.NonValidated)
            {
                if (scrub.Drops(header.Key))
                {
                    continue;
                }

                foreach (var value in header.Value)
                {
                    fields.Add(new HarNameValue { Name = header.Key, Value = HarScrubber.HoldsUrl(header.Key) ? scrub.UrlText(value) : value });
                }
            }
        }

        return fields;
    }

    /// <summary>The body as text when it is UTF-8 of a textual media type (or of none); otherwise null (base64).</summary>
    private static string? AsText(byte[] body, string mediaType)
    {
        var textual = mediaType.Length == 0
                      || mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
                      || mediaType.Contains("json", StringComparison.OrdinalIgnoreCase)
                      || mediaType.Contains("xml", StringComparison.OrdinalIgnoreCase)
                      || mediaType.Contains("javascript", StringComparison.OrdinalIgnoreCase)
                      || mediaType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        if (!textual)
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
