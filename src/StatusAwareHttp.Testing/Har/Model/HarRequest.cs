namespace StatusAwareHttp.Testing.Har;

/// <summary>HAR 1.2 <c>request</c>.</summary>
internal sealed class HarRequest
{
    public string? Method { get; set; }

    public string? Url { get; set; }

    public string? HttpVersion { get; set; }

    public List<HarCookie?>? Cookies { get; set; }

    public List<HarNameValue?>? Headers { get; set; }

    public List<HarNameValue?>? QueryString { get; set; }

    public HarPostData? PostData { get; set; }

    public double HeadersSize { get; set; } = -1;

    public double BodySize { get; set; } = -1;
}

/// <summary>HAR 1.2 <c>postData</c>: the request's content (<c>params</c> of a form are not modelled; <c>text</c> holds it).</summary>
internal sealed class HarPostData
{
    public string? MimeType { get; set; }

    public string? Text { get; set; }

    /// <summary>HAR 1.3 proposal (and Playwright): <c>base64</c> when <see cref="Text"/> is the content in base64.</summary>
    public string? Encoding { get; set; }
}

/// <summary>A header field or a query parameter: HAR 1.2 <c>headers</c> and <c>queryString</c> items.</summary>
internal sealed class HarNameValue
{
    public string? Name { get; set; }

    public string? Value { get; set; }
}

/// <summary>HAR 1.2 <c>cookie</c>: read so a browser's file parses; the recorder writes none (cookies are credentials).</summary>
internal sealed class HarCookie
{
    public string? Name { get; set; }

    public string? Value { get; set; }
}
