using System.Globalization;

namespace StatusAwareHttp.Internal;

/// <summary>
/// HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must accept, with
/// the zone name in any case (<c>gmt</c>). Anything else, such as two spaces where the grammar has one, is invalid:
/// what that means is the caller's rule (an invalid <c>Expires</c> is already expired, RFC 9111 §5.3).
/// </summary>
/// <remarks>
/// The day name must be one of the grammar's names but need not agree with the date: it carries nothing the date does
/// not, and an RFC 850 date's weekday cannot agree with both centuries its two-digit year might mean (§5.6.7 asks
/// recipients to be robust in parsing timestamps). An RFC 850 year is read against <c>now</c>, never against .NET's
/// own two-digit-year window: a timestamp that would be more than 50 years in the future is the most recent past year
/// with the same last two digits (§5.6.7).
/// </remarks>
internal static class HttpDate
{
    private static readonly string[] s_shortDays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    private static readonly string[] s_longDays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    private static readonly string[] s_imfFormats =
    [
        "dd MMM yyyy HH':'mm':'ss 'GMT'", // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "d MMM yyyy HH':'mm':'ss 'GMT'", // a one-digit day, as some servers send it (RFC 5322 allows it)
    ];

    private static readonly string[] s_asctimeFormats =
    [
        "MMM  d HH':'mm':'ss yyyy", // asctime, day of one digit after two spaces: Sun Nov  6 08:49:37 1994
        "MMM dd HH':'mm':'ss yyyy",
    ];

    /// <summary>
    /// Parses an HTTP-date received at <paramref name="now"/> (the time an RFC 850 two-digit year is read against);
    /// <see langword="false"/> for any other text (never throws).
    /// </summary>
    public static bool TryParse(string? value, DateTimeOffset now, out DateTimeOffset result)
    {
        result = default;
        if (value is null || value.Length > 64)
        {
            return false;
        }

        var text = value.AsSpan().Trim(" \t");
        if (text.Length > 4 && text[^4] == ' ' && text[^3..].Equals("GMT", StringComparison.OrdinalIgnoreCase))
        {
            // §5.6.7: the zone is GMT, whatever its case on the wire.
            var comma = text.IndexOf(',');
            if (comma <= 0 || comma + 2 >= text.Length || text[comma + 1] != ' ')
            {
                return false;
            }

            var day = text[..comma];
            var rest = string.Concat(text[(comma + 2)..^3], "GMT");
            if (IsDay(day, s_shortDays))
            {
                return Parse(rest, s_imfFormats, out result);
            }

            return IsDay(day, s_longDays) && TryParseRfc850(rest, now, out result);
        }

        // asctime: "Sun Nov  6 08:49:37 1994", always UTC.
        return text.Length > 4 && text[3] == ' ' && IsDay(text[..3], s_shortDays)
            && Parse(text[4..].ToString(), s_asctimeFormats, out result);
    }

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    /// <summary>
    /// RFC 850 after the day name: <c>06-Nov-94 08:49:37 GMT</c>. Of the years ending in the two digits, the latest
    /// whose timestamp is not more than 50 years after <paramref name="now"/> (§5.6.7).
    /// </summary>
    private static bool TryParseRfc850(string rest, DateTimeOffset now, out DateTimeOffset result)
    {
        result = default;
        // dd-MMM-yy HH:mm:ss GMT: the two-digit year sits at 7..8, with '-' before it and ' ' after it.
        if (rest.Length != 22 || rest[6] != '-' || rest[9] != ' ' || !char.IsAsciiDigit(rest[7]) || !char.IsAsciiDigit(rest[8]))
        {
            return false;
        }

        var twoDigits = ((rest[7] - '0') * 10) + rest[8] - '0';
        var limit = now.UtcDateTime.Year <= 9948 ? now.AddYears(50) : DateTimeOffset.MaxValue;
        var century = now.UtcDateTime.Year / 100 * 100;
        for (var year = century + 100 + twoDigits; year >= century - 100 + twoDigits; year -= 100)
        {
            if (year is < 1 or > 9999)
            {
                continue;
            }

            var candidate = string.Concat(rest.AsSpan(0, 7), year.ToString("D4", CultureInfo.InvariantCulture), rest.AsSpan(9));
            if (Parse(candidate, ["dd'-'MMM'-'yyyy HH':'mm':'ss 'GMT'"], out var date) && date <= limit)
            {
                result = date;
                return true;
            }
        }

        return false;
    }

    private static bool IsDay(ReadOnlySpan<char> day, string[] names)
    {
        foreach (var name in names)
        {
            if (day.SequenceEqual(name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Parse(string text, string[] formats, out DateTimeOffset result) =>
        DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out result);
}
