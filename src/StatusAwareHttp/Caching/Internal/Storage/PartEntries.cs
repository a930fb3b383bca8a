using System.Globalization;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// A stored incomplete response (RFC 9111 §3.3): an <see cref="HttpCacheEntry"/> of status 206 whose body is the held
/// runs of the representation one after another, described by one line of its own (<see cref="PartsField"/>). Every
/// store holds it as it holds any entry. It never answers a GET without <c>Range</c>; once every byte is held it
/// becomes a complete 200.
/// </summary>
internal static class PartEntries
{
    /// <summary>The stored line that describes the held runs (<see cref="PartSet.Describe"/>); never sent to a caller.</summary>
    public const string PartsField = "StatusAwareHttp-Parts";

    /// <summary>The runs a stored incomplete response holds; false for any other entry (or a damaged one).</summary>
    public static bool TryRead(HttpCacheEntry entry, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PartSet? parts)
    {
        parts = null;
        if (entry.StatusCode != 206)
        {
            return false;
        }

        foreach (var line in entry.Headers)
        {
            if (string.Equals(line.Key, PartsField, StringComparison.OrdinalIgnoreCase))
            {
                return PartSet.TryRead(line.Value, entry.Body, out parts);
            }
        }

        return false;
    }

    /// <summary>
    /// The entry <paramref name="parts"/> make with the header lines of the newest part, <paramref name="partLines"/>,
    /// merged over those of <paramref name="stored"/> (the entry of the same validator they were combined with, or
    /// null) as §3.4 asks (by §3.2, as a 304 updates). Without its framing (<c>Content-Range</c>, <c>Content-Length</c>):
    /// an incomplete entry describes its runs, a complete one is a 200 with the complete length.
    /// </summary>
    public static HttpCacheEntry Make(
        IReadOnlyList<KeyValuePair<string, string>> partLines,
        HttpCacheEntry? stored,
        PartSet parts,
        DateTimeOffset requestTime,
        DateTimeOffset responseTime,
        IReadOnlyList<KeyValuePair<string, string?>> varyValues)
    {
        var merged = stored is null ? partLines : CacheHeaders.Merge(stored.Headers, partLines);
        var lines = new List<KeyValuePair<string, string>>(merged.Count + 1);
        foreach (var line in merged)
        {
            if (!string.Equals(line.Key, "Content-Range", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(line.Key, "Content-Length", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(line.Key, PartsField, StringComparison.OrdinalIgnoreCase))
            {
                lines.Add(line);
            }
        }

        var complete = parts.IsComplete;
        lines.Add(complete
            ? new("Content-Length", parts.Length.ToString(CultureInfo.InvariantCulture))
            : new(PartsField, parts.Describe()));
        var status = complete ? 200 : 206;
        return OriginAnswers.NewEntry(lines, ResponseFields.Parse(status, lines, responseTime), parts.Bytes, requestTime, responseTime, varyValues);
    }
}
