using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Tests.Internal;

/// <summary>HTTP-date, RFC 9110 §5.6.7: one row per rule.</summary>
public sealed class HttpDateTests
{
    private static readonly DateTimeOffset s_example = new(1994, 11, 6, 8, 49, 37, TimeSpan.Zero);

    [Theory]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT")] // IMF-fixdate
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT")] // obsolete RFC 850
    [InlineData("Sun Nov  6 08:49:37 1994")] // obsolete asctime, a one-digit day after two spaces
    [InlineData("Sun, 06 Nov 1994 08:49:37 gmt")] // the zone name in any case
    [InlineData("Sunday, 06-Nov-94 08:49:37 Gmt")]
    [InlineData("  Sun, 06 Nov 1994 08:49:37 GMT\t")] // surrounding whitespace is not part of the field value
    public void A_recipient_accepts_the_three_formats(string value)
    {
        Assert.True(HttpDate.TryParse(value, TestClock.Received, out var parsed));
        Assert.Equal(s_example, parsed);
    }

    [Fact]
    public void Asctime_with_a_two_digit_day()
    {
        Assert.True(HttpDate.TryParse("Thu Dec 10 08:49:37 2026", TestClock.Received, out var parsed));
        Assert.Equal(new DateTimeOffset(2026, 12, 10, 8, 49, 37, TimeSpan.Zero), parsed);
    }

    // §5.6.7: an RFC 850 two-digit year that would be more than 50 years after the receive time is the most recent
    // past year with those digits. .NET's own window (up to 2049) is not that rule: it reads 50 as 1950.
    [Theory]
    [InlineData("2026-12-01", "Monday, 08-Aug-50 02:01:18 GMT", "2050-08-08T02:01:18")] // 24 years ahead: 2050, not 1950
    [InlineData("2026-12-01", "Monday, 01-Jan-76 00:00:00 GMT", "2076-01-01T00:00:00")] // 49 years ahead
    [InlineData("2026-12-01", "Monday, 30-Nov-76 23:59:59 GMT", "2076-11-30T23:59:59")] // a second under 50 years
    [InlineData("2026-12-01", "Tuesday, 01-Dec-76 00:00:01 GMT", "1976-12-01T00:00:01")] // a second over: the past
    [InlineData("2026-12-01", "Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37")] // 2094 is 68 years ahead
    [InlineData("2026-12-01", "Friday, 01-Jan-27 00:00:00 GMT", "2027-01-01T00:00:00")]
    [InlineData("2090-06-01", "Friday, 01-Jan-10 00:00:00 GMT", "2110-01-01T00:00:00")] // late in a century: the next one
    [InlineData("2090-06-01", "Friday, 01-Jan-45 00:00:00 GMT", "2045-01-01T00:00:00")] // 2145 is 55 years ahead
    [InlineData("2026-12-01", "Tuesday, 29-Feb-00 00:00:00 GMT", "2000-02-29T00:00:00")] // 2100 has no 29 February
    public void An_RFC_850_year_is_read_against_the_receive_time(string received, string value, string expected)
    {
        var now = DateTimeOffset.Parse(received + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(HttpDate.TryParse(value, now, out var parsed));
        Assert.Equal(DateTimeOffset.Parse(expected + "Z", System.Globalization.CultureInfo.InvariantCulture), parsed);
    }

    // §5.6.7: asctime's day is two characters, a one-digit day padded with a space; the day name carries nothing the
    // date does not, so it need not agree with it (the example: 8 August 2050 is a Monday).
    [Theory]
    [InlineData("Thu Aug  8 02:01:18 2050", "2050-08-08T02:01:18")]
    [InlineData("Mon Aug  8 02:01:18 2050", "2050-08-08T02:01:18")]
    [InlineData("Wed Jan  1 00:00:00 2025", "2025-01-01T00:00:00")]
    [InlineData("Sat Feb 29 12:00:00 2048", "2048-02-29T12:00:00")]
    public void Asctime_with_a_space_padded_day(string value, string expected)
    {
        Assert.True(HttpDate.TryParse(value, TestClock.Received, out var parsed));
        Assert.Equal(DateTimeOffset.Parse(expected + "Z", System.Globalization.CultureInfo.InvariantCulture), parsed);
    }

    [Theory]
    [InlineData("Sun,  06 Nov 1994 08:49:37 GMT")] // two spaces where the grammar has one
    [InlineData("Sun, 06 Nov 1994  08:49:37 GMT")]
    [InlineData("Sun, 06 Nov 1994 08:49:37 UTC")] // another zone
    [InlineData("Sun, 06 Nov 1994 08:49:37 +0000")]
    [InlineData("Sun Nov 6 08:49:37 1994")] // asctime's day is two characters
    [InlineData("Thu Aug 8 02:01:18 2050")]
    [InlineData("Thu Aug   8 02:01:18 2050")]
    [InlineData("Xyz Aug  8 02:01:18 2050")] // not a day name
    [InlineData("Sunday, 06 Nov 1994 08:49:37 GMT")] // IMF-fixdate takes the short day name
    [InlineData("Sun, 06-Nov-94 08:49:37 GMT")] // RFC 850 takes the long one
    [InlineData("Sunday, 06-Nov-1994 08:49:37 GMT")] // RFC 850's year is two digits
    [InlineData("Sunday, 31-Feb-94 08:49:37 GMT")] // no such day in any century
    [InlineData("Sun, 06 Nov 1994 08:49:37")] // no zone
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT\u00E9")] // obs-text
    [InlineData("0")] // what some servers send for "already expired"
    [InlineData("-1")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_invalid(string? value) =>
        Assert.False(HttpDate.TryParse(value, TestClock.Received, out _));
}
