using System.Text.Json.Serialization;

namespace StatusAwareHttp.Testing.Har;

/// <summary>HAR 1.2 <c>response</c>.</summary>
internal sealed class HarResponse
{
    public int Status { get; set; }

    public string? StatusText { get; set; }

    public string? HttpVersion { get; set; }

    public List<HarCookie?>? Cookies { get; set; }

    public List<HarNameValue?>? Headers { get; set; }

    public HarContent? Content { get; set; }

    [JsonPropertyName("redirectURL")]
    public string? RedirectUrl { get; set; }

    public double HeadersSize { get; set; } = -1;

    public double BodySize { get; set; } = -1;
}

/// <summary>
/// HAR 1.2 <c>content</c>: the decoded body (after any <c>Content-Encoding</c>), as text or, with
/// <c>encoding: "base64"</c>, as base64.
/// </summary>
internal sealed class HarContent
{
    public double Size { get; set; }

    public string? MimeType { get; set; }

    public string? Text { get; set; }

    public string? Encoding { get; set; }

    /// <summary>Playwright's <c>_file</c>: the name of a file beside the HAR (or in its zip) that holds the body.</summary>
    [JsonPropertyName("_file")]
    public string? File { get; set; }
}
