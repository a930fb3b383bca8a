using System.Text;

namespace StatusAwareHttp.Testing.Har;

/// <summary>
/// What a recording leaves out (<see cref="HarRecorderOptions"/>): sensitive header fields dropped, the values of
/// sensitive query parameters written as <c>REDACTED</c> (in the request URL and in the URLs of <c>Location</c>,
/// <c>Content-Location</c> and <c>Referer</c>, query and fragment), a URL's user information dropped.
/// </summary>
internal sealed class HarScrubber(HarRecorderOptions options)
{
    public const string Redacted = "REDACTED";

    public bool Drops(string headerName) => options.SensitiveHeaders.Contains(headerName);

    public Uri Url(Uri url)
    {
        var builder = new UriBuilder(url) { UserName = string.Empty, Password = string.Empty };
        if (url.Query.Length > 1)
        {
            builder.Query = Query(url.Query[1..]);
        }

        return builder.Uri;
    }

    /// <summary>
    /// A URL written in a field (<c>Location</c>, <c>Content-Location</c>, <c>Referer</c>), absolute or relative, with the
    /// values of sensitive parameters of its query and of its fragment (<c>#access_token=...</c>) replaced.
    /// </summary>
    public string UrlText(string text)
    {
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        var fragment = hash < 0 ? null : text[(hash + 1)..];
        var rest = hash < 0 ? text : text[..hash];
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        var scrubbed = question < 0 ? rest : rest[..(question + 1)] + Query(rest[(question + 1)..]);
        return fragment is null ? scrubbed : scrubbed + "#" + Query(fragment);
    }

    public static bool HoldsUrl(string headerName) =>
        headerName.Equals("Location", StringComparison.OrdinalIgnoreCase)
        || headerName.Equals("Content-Location", StringComparison.OrdinalIgnoreCase)
        || headerName.Equals("Referer", StringComparison.OrdinalIgnoreCase);

    /// <summary>The query (without its <c>?</c>) with the values of sensitive parameters replaced, the rest as written.</summary>
    public string Query(string query)
    {
        var text = new StringBuilder(query.Length);
        foreach (var part in query.Split('&'))
        {
            if (text.Length > 0)
            {
                text.Append('&');
            }

            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            text.Append(equals >= 0 && options.SensitiveQueryParameters.Contains(HarQuery.Unescape(name)) ? name + "=" + Redacted : part);
        }

        return text.ToString();
    }
}
