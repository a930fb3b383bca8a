using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace StatusAwareHttp.Testing.Har;

/// <summary>
/// Moves the dates of a recorded response onto the test's clock: each HTTP-date of <c>Date</c>, <c>Last-Modified</c>,
/// <c>Expires</c> and <c>Retry-After</c> shifted by the same amount (the test clock's now minus the recording's start),
/// so ages, freshness lifetimes and validators keep the distances they had live. Values that are not HTTP-dates
/// (<c>Expires: 0</c>, <c>Retry-After: 5</c>) are kept as they are. Pure.
/// </summary>
internal static class DateRebasing
{
    public static bool IsDateField(string name) =>
        name.Equals("Date", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Last-Modified", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Expires", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Retry-After", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value shifted when it is an HTTP-date (written as IMF-fixdate), else as it is.</summary>
    public static string Shift(string value, TimeSpan shift) =>
        TryParse(value, out var date) ? Format(Add(date, shift)) : value;

    public static bool TryParse(string value, out DateTimeOffset date) => HeaderUtilities.TryParseDate(value.Trim(), out date);

    public static string Format(DateTimeOffset date) => date.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

    /// <summary>The date shifted, held within the years an HTTP-date can write.</summary>
    public static DateTimeOffset Add(DateTimeOffset date, TimeSpan shift)
    {
        var ticks = date.UtcTicks + shift.Ticks;
        var min = new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        var max = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).UtcTicks;
        return new DateTimeOffset(Math.Clamp(ticks, min, max), TimeSpan.Zero);
    }
}
