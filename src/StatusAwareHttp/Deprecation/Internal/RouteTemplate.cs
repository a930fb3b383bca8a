using System.Text;

namespace StatusAwareHttp.Deprecation.Internal;

/// <summary>
/// The route a request addressed, for "said once per route": the origin and the path with every numeric and every
/// GUID segment folded into <c>{id}</c>, so <c>/orders/42</c> and <c>/orders/43</c> are one route. Never the query
/// or the fragment (they may hold secrets, and they are no route). Pure.
/// </summary>
internal static class RouteTemplate
{
    /// <summary>Longest template kept; a longer path is cut there and marked with <c>…</c>, so the memory of routes stays bounded.</summary>
    public const int MaxLength = 512;

    public const string Placeholder = "{id}";

    public static string Of(Uri? uri)
    {
        if (uri is null)
        {
            return "(none)";
        }

        string origin;
        string path;
        if (uri.IsAbsoluteUri)
        {
            origin = uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
            path = uri.AbsolutePath;
        }
        else
        {
            origin = string.Empty;
            var text = uri.OriginalString;
            var cut = text.IndexOfAny(['?', '#']);
            path = cut < 0 ? text : text[..cut];
        }

        var builder = new StringBuilder(origin, Math.Min(MaxLength, origin.Length + path.Length) + 1);
        var first = true;
        foreach (var range in path.AsSpan().Split('/'))
        {
            if (!first)
            {
                builder.Append('/');
            }

            first = false;
            var segment = path.AsSpan(range);
            if (IsIdentifier(segment))
            {
                builder.Append(Placeholder);
            }
            else
            {
                builder.Append(segment);
            }

            if (builder.Length > MaxLength)
            {
                builder.Length = MaxLength;
                builder.Append('…');
                break;
            }
        }

        return builder.ToString();
    }

    /// <summary>A segment of ASCII digits, or a GUID (<c>D</c>, <c>N</c> or braced forms, any case).</summary>
    public static bool IsIdentifier(ReadOnlySpan<char> segment)
    {
        if (segment.IsEmpty)
        {
            return false;
        }

        var digits = true;
        foreach (var c in segment)
        {
            if (!char.IsAsciiDigit(c))
            {
                digits = false;
                break;
            }
        }

        return digits || (segment.Length is 32 or 36 or 38 && Guid.TryParse(segment, out _));
    }
}
