using System.Globalization;
using System.Net.Http.Headers;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Deprecation.Internal;

/// <summary>
/// Pure reading of the deprecation fields of a response: <c>Deprecation</c> (RFC 9745 §2.1, a Structured Field Item
/// whose value is a Date, <c>@&lt;seconds since the epoch&gt;</c>, RFC 9651 §3.3.7), <c>Sunset</c> (RFC 8594 §3, an
/// HTTP-date, RFC 9110 §5.6.7) and the <c>Link</c> relations (<see cref="LinkField"/>). A malformed field is ignored:
/// every method answers "none", whatever the text, and never throws.
/// </summary>
internal static class DeprecationFields
{
    public const string DeprecationName = "Deprecation";
    public const string SunsetName = "Sunset";
    public const string LinkName = "Link";

    /// <summary>Longest field value read; a longer one is ignored (no date is that long).</summary>
    public const int MaxDateFieldLength = 256;

    // The seconds DateTimeOffset can hold (years 1 to 9999); an SF Date outside them is ignored.
    private const long MinUnixSeconds = -62_135_596_800;
    private const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>Whether a response names any of the fields at all: the one check on every response's path.</summary>
    public static bool Mentions(HttpResponseMessage response)
    {
        var headers = response.Headers.NonValidated;
        return headers.Contains(DeprecationName) || headers.Contains(SunsetName) || (headers.TryGetValues(LinkName, out var links) && LinkField.MayNameNoticeRelation(links));
    }

    /// <summary>
    /// The notice a response received at <paramref name="received"/> carries, or <see langword="null"/> (see
    /// <see cref="DeprecationResponseExtensions.GetDeprecation"/>).
    /// </summary>
    public static DeprecationNotice? Read(HttpResponseMessage response, DateTimeOffset received)
    {
        var headers = response.Headers.NonValidated;
        DateTimeOffset? deprecation = headers.TryGetValues(DeprecationName, out var d) && d.Count == 1 && TryParseDeprecation(Single(d), out var date) ? date : null;
        DateTimeOffset? sunset = headers.TryGetValues(SunsetName, out var s) && s.Count == 1 && TryParseSunset(Single(s), received, out var end) ? end : null;
        var links = headers.TryGetValues(LinkName, out var l) ? LinkField.Parse(l, response.RequestMessage?.RequestUri) : LinkTargets.Empty;
        if (deprecation is null && sunset is null && links.Deprecation.Count == 0 && links.Sunset.Count == 0)
        {
            return null;
        }

        return new DeprecationNotice(deprecation, sunset, links.Deprecation, links.Sunset, links.SuccessorVersion);
    }

    /// <summary>
    /// RFC 9745 §2.1: <c>Deprecation = sf-date</c>, parsed as an Item (RFC 8941 §4.2: leading and trailing SP
    /// discarded; parameters, none defined, allowed and ignored). Two field lines make a list, which is no Item
    /// (RFC 9745 §2.1: a server sends the field once), so the caller ignores them.
    /// </summary>
    public static bool TryParseDeprecation(string? value, out DateTimeOffset date)
    {
        date = default;
        if (value is null || value.Length > MaxDateFieldLength)
        {
            return false;
        }

        var reader = new StructuredFieldReader(value.AsSpan());
        reader.SkipSpaces();
        if (!reader.ReadBareItem(out var item) || item.Kind != StructuredItemKind.Date)
        {
            return false;
        }

        while (true)
        {
            if (!reader.NextParameter(out var found, out _, out _))
            {
                return false;
            }

            if (!found)
            {
                break;
            }
        }

        reader.SkipSpaces();
        if (!reader.AtEnd || item.Integer is < MinUnixSeconds or > MaxUnixSeconds)
        {
            return false;
        }

        date = DateTimeOffset.FromUnixTimeSeconds(item.Integer);
        return true;
    }

    /// <summary>
    /// RFC 8594 §3: <c>Sunset = HTTP-date</c> (IMF-fixdate, and the obsolete forms a recipient accepts), an RFC 850
    /// two-digit year read against <paramref name="received"/> (RFC 9110 §5.6.7). A day name that does not agree with
    /// its date is read by the date (<see cref="HttpDate"/>): RFC 8594 §3's own example, <c>Sat, 31 Dec 2018</c>, is a Monday.
    /// </summary>
    public static bool TryParseSunset(string? value, DateTimeOffset received, out DateTimeOffset date)
    {
        date = default;
        return value is not null && value.Length <= MaxDateFieldLength && HttpDate.TryParse(value, received, out date);
    }

    private static string? Single(HeaderStringValues values)
    {
        foreach (var value in values)
        {
            return value;
        }

        return null;
    }
}
