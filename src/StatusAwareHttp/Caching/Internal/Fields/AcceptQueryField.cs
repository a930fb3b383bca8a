using System.Net.Http.Headers;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// <c>Accept-Query</c> (RFC 10008 §3): a Structured Field List (RFC 9651 §3.1) of media ranges, each a Token or a String
/// (which one is insignificant) without parameters, whose parameters are the member's Structured Field parameters of
/// type Token or String. A value that fails parsing, or has a member of another type, is ignored whole (RFC 9651
/// §4.2); a member that is no <c>type/subtype</c> range, or a parameter of another type, drops that member. The order
/// of the ranges is insignificant. Nothing throws, whatever the text.
/// </summary>
internal static class AcceptQueryField
{
    public const string Name = "Accept-Query";

    /// <summary>The most ranges kept from one field.</summary>
    public const int MaxRanges = 64;

    /// <summary>A field value longer than this (all its lines) is ignored.</summary>
    public const int MaxFieldLength = 16 * 1024;

    /// <summary>The ranges of a response's <c>Accept-Query</c>, or null when it has none or it is ignored.</summary>
    public static MediaTypeHeaderValue[]? Read(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues(Name, out var lines) ? Parse(string.Join(", ", (IEnumerable<string>)lines)) : null;

    public static MediaTypeHeaderValue[]? Parse(string? value)
    {
        if (value is null || value.Length > MaxFieldLength)
        {
            return null;
        }

        var reader = new StructuredFieldReader(value.AsSpan());
        reader.SkipSpaces();
        if (reader.AtEnd)
        {
            return null;
        }

        List<MediaTypeHeaderValue>? ranges = null;
        while (true)
        {
            if (!reader.ReadItemOrInnerList(out var item) || item.Kind is not (StructuredItemKind.Token or StructuredItemKind.String))
            {
                return null;
            }

            var range = MediaRange(Text(value, item));
            while (true)
            {
                if (!reader.NextParameter(out var more, out var key, out var parameter))
                {
                    return null;
                }

                if (!more)
                {
                    break;
                }

                if (range is null)
                {
                    continue;
                }

                if (parameter.Kind is not (StructuredItemKind.Token or StructuredItemKind.String) || !TryAdd(range, Text(value, key), Text(value, parameter)))
                {
                    range = null;
                }
            }

            if (range is not null && (ranges?.Count ?? 0) < MaxRanges)
            {
                (ranges ??= []).Add(range);
            }

            // §4.2.1: the end, or a comma and another member; anything else, or a trailing comma, fails parsing.
            if (!reader.TryNextMember(out var ended))
            {
                return null;
            }

            if (ended)
            {
                break;
            }
        }

        return ranges is null ? null : [.. ranges];
    }

    /// <summary>A <c>type/subtype</c> range (RFC 9110 §12.5.1; wildcards allowed), or null.</summary>
    private static MediaTypeHeaderValue? MediaRange(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1 || text.IndexOf('/', slash + 1) >= 0 || text.Contains(';', StringComparison.Ordinal))
        {
            return null;
        }

        return MediaTypeHeaderValue.TryParse(text, out var range) ? range : null;
    }

    /// <summary>Adds a parameter, quoted when it is no token; false when .NET cannot hold it.</summary>
    private static bool TryAdd(MediaTypeHeaderValue range, string name, string value)
    {
        try
        {
            var token = value.Length > 0 && value.All(c => c > ' ' && c < '\x7F' && !"()<>@,;:\\\"/[]?={}".Contains(c));
            range.Parameters.Add(new NameValueHeaderValue(name, token ? value : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>An item's text: a token as written, a string unescaped.</summary>
    private static string Text(string value, StructuredItem item)
    {
        var raw = value.AsSpan(item.Start, item.Length);
        if (item.Kind != StructuredItemKind.String || !raw.Contains('\\'))
        {
            return new string(raw);
        }

        var chars = new char[raw.Length];
        var length = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            i += raw[i] == '\\' ? 1 : 0;
            chars[length++] = raw[i];
        }

        return new string(chars, 0, length);
    }
}
