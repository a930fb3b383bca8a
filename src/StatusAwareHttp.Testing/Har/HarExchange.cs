namespace StatusAwareHttp.Testing.Har;

/// <summary>
/// One recorded request and its response, checked and decoded from a HAR entry: what the matcher compares and what
/// replay serves. Header lists keep the recorded order and repeats; HTTP/2 pseudo-fields (<c>:authority</c>) are left out.
/// </summary>
internal sealed class HarExchange
{
    /// <summary>The entry's index in <c>log.entries</c>.</summary>
    public required int Index { get; init; }

    public required DateTimeOffset Started { get; init; }

    public required string Method { get; init; }

    public required Uri Url { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; init; }

    /// <summary>The request's content, or <see langword="null"/> when the entry recorded none.</summary>
    public byte[]? RequestBody { get; init; }

    public required int Status { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; init; }

    /// <summary>The decoded response body (empty when the entry recorded none).</summary>
    public required byte[] ResponseBody { get; init; }

    /// <summary>The content's <c>mimeType</c>, used as <c>Content-Type</c> when the headers have none.</summary>
    public string? MimeType { get; init; }

    /// <summary>The request as a line for messages: <c>#3 GET /items?page=2</c>.</summary>
    public string Describe() => $"#{Index} {Method} {Url.PathAndQuery}";

    public string? RequestHeader(string name) => Find(RequestHeaders, name);

    public string? ResponseHeader(string name) => Find(ResponseHeaders, name);

    private static string? Find(IReadOnlyList<KeyValuePair<string, string>> headers, string name)
    {
        foreach (var header in headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }
}
