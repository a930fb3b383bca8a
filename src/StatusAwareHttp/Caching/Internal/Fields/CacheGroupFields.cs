namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// <c>Cache-Groups</c> (RFC 9875 §2) and <c>Cache-Group-Invalidation</c> (§3): each a Structured Field List of Strings
/// (RFC 9651 §3.1, §3.3.3). A value that fails parsing, or that holds a member other than a string, is ignored whole
/// (RFC 9651 §4.2); parameters are ignored (RFC 9875 §2, §3); the order does not matter and a repeated member counts
/// once. Nothing throws, whatever the text.
/// </summary>
internal static class CacheGroupFields
{
    /// <summary>The field that puts a response in groups (RFC 9875 §2).</summary>
    public const string Groups = "Cache-Groups";

    /// <summary>The field that invalidates groups on a response to an unsafe request (RFC 9875 §3).</summary>
    public const string Invalidation = "Cache-Group-Invalidation";

    /// <summary>
    /// The most members kept from one field (RFC 9875 §2, §3: "at least 32 groups"); members past it are dropped
    /// with the rest of the list read as usual.
    /// </summary>
    public const int MaxGroups = 64;

    /// <summary>The longest member kept (RFC 9875: "at least 32 characters"); a longer one is dropped.</summary>
    public const int MaxGroupLength = 256;

    /// <summary>A field value longer than this (all its lines) is ignored.</summary>
    public const int MaxFieldLength = 32 * 1024;

    /// <summary>The groups of a response as its field lines give them; null when it has none or the field is ignored.</summary>
    public static string[]? Read(HttpResponseMessage response, string field)
    {
        if (!response.Headers.NonValidated.TryGetValues(field, out var lines))
        {
            return null;
        }

        var count = 0;
        string? single = null;
        foreach (var line in lines)
        {
            single = line;
            count++;
        }

        // RFC 9651 §4.2: the lines of a field are combined with commas before parsing.
        return Parse(count == 1 ? single : string.Join(", ", (IEnumerable<string>)lines));
    }

    /// <summary>The groups named by the <paramref name="field"/> lines of stored header lines; null when none.</summary>
    public static string[]? Read(IReadOnlyList<KeyValuePair<string, string>> headers, string field)
    {
        string? joined = null;
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Key, field, StringComparison.OrdinalIgnoreCase))
            {
                joined = joined is null ? headers[i].Value : string.Concat(joined, ", ", headers[i].Value);
            }
        }

        return joined is null ? null : Parse(joined);
    }

    /// <summary>
    /// Parses a List of Strings (RFC 9651 §4.2.1); null when the value fails parsing, has a member that is not a
    /// string, or is empty (§4.2: an empty list is as if the field were absent).
    /// </summary>
    public static string[]? Parse(string? value)
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

        List<string>? groups = null;
        while (true)
        {
            if (!reader.ReadItemOrInnerList(out var item) || item.Kind != StructuredItemKind.String)
            {
                return null;
            }

            while (true)
            {
                if (!reader.NextParameter(out var more, out _, out _))
                {
                    return null;
                }

                if (!more)
                {
                    break;
                }
            }

            if (item.Length <= 2 * MaxGroupLength && (groups?.Count ?? 0) < MaxGroups)
            {
                var group = Unescape(value.AsSpan(item.Start, item.Length));
                if (group.Length <= MaxGroupLength && (groups is null || !groups.Contains(group)))
                {
                    (groups ??= new List<string>(4)).Add(group);
                }
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

        return groups is null ? null : [.. groups];
    }

    /// <summary>An sf-string's characters between its quotes, with <c>\"</c> and <c>\\</c> unescaped (the reader checked them).</summary>
    private static string Unescape(ReadOnlySpan<char> raw)
    {
        if (!raw.Contains('\\'))
        {
            return new string(raw);
        }

        Span<char> chars = raw.Length <= 512 ? stackalloc char[raw.Length] : new char[raw.Length];
        var length = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            i += raw[i] == '\\' ? 1 : 0;
            chars[length++] = raw[i];
        }

        return new string(chars[..length]);
    }
}
