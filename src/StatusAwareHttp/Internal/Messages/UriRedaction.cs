namespace StatusAwareHttp.Internal;

/// <summary>Renders URIs for logs and messages without their query, fragment or user info.</summary>
internal static class UriRedaction
{
    public static string Redact(Uri? uri)
    {
        if (uri is null)
        {
            return "(null)";
        }

        if (!uri.IsAbsoluteUri)
        {
            var text = uri.OriginalString;
            var cut = text.IndexOfAny(['?', '#']);
            return cut < 0 ? text : string.Concat(text.AsSpan(0, cut), text[cut] == '?' ? "?*" : string.Empty);
        }

        var left = uri.GetComponents(UriComponents.Scheme | UriComponents.HostAndPort | UriComponents.Path, UriFormat.UriEscaped);
        return string.IsNullOrEmpty(uri.Query) ? left : left + "?*";
    }
}
