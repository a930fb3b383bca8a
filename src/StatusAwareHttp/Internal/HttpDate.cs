using System.Globalization;

namespace StatusAwareHttp.Internal;

/// <summary>HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime forms recipients must accept.</summary>
internal static class HttpDate
{
    private static readonly string[] s_formats =
    [
        "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
        "ddd, d MMM yyyy HH':'mm':'ss 'GMT'",
        "dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'",
        "ddd MMM d HH':'mm':'ss yyyy",
        "ddd MMM dd HH':'mm':'ss yyyy",
    ];

    public static bool TryParse(string? value, out DateTimeOffset result)
    {
        if (value is not null
            && DateTimeOffset.TryParseExact(
                value.Trim(),
                s_formats,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AllowInnerWhite | DateTimeStyles.AssumeUniversal,
                out result))
        {
            return true;
        }

        result = default;
        return false;
    }

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
}
