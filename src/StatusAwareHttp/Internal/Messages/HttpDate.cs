using System.Globalization;

namespace StatusAwareHttp.Internal;

/// <summary>
/// HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must accept, with
/// the zone name in any case (<c>gmt</c>). Anything else, such as two spaces where the grammar has one, is invalid:
/// what that means is the caller's rule (an invalid <c>Expires</c> is already expired, RFC 9111 §5.3).
/// </summary>
internal static class HttpDate
{
    private static readonly string[] s_gmtFormats =
    [
        "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "ddd, d MMM yyyy HH':'mm':'ss 'GMT'", // a one-digit day, as some servers send it (RFC 5322 allows it)
        "dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'", // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    ];

    private static readonly string[] s_asctimeFormats =
    [
        "ddd MMM  d HH':'mm':'ss yyyy", // asctime, day of one digit after two spaces: Sun Nov  6 08:49:37 1994
        "ddd MMM dd HH':'mm':'ss yyyy",
    ];

    /// <summary>Parses an HTTP-date; <see langword="false"/> for any other text (never throws).</summary>
    public static bool TryParse(string? value, out DateTimeOffset result)
    {
        result = default;
        if (value is null || value.Length > 64)
        {
            return false;
        }

        var text = value.AsSpan().Trim(" \t");
        string[] formats;
        string candidate;
        if (text.Length > 4 && text[^4] == ' ' && text[^3..].Equals("GMT", StringComparison.OrdinalIgnoreCase))
        {
            // §5.6.7: the zone is GMT, whatever its case on the wire.
            candidate = string.Concat(text[..^3], "GMT");
            formats = s_gmtFormats;
        }
        else
        {
            candidate = text.ToString();
            formats = s_asctimeFormats;
        }

        return DateTimeOffset.TryParseExact(candidate, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out result);
    }

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
}
