using System.Text;

namespace StatusAwareHttp.Testing.Har;

/// <summary>
/// What a recording leaves out (<see cref="HarRecorderOptions"/>): sensitive header fields dropped, the values of
/// sensitive query parameters written as <c>REDACTED</c>, a URL's user information dropped.
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
