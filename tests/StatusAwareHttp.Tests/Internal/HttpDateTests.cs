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
        Assert.True(HttpDate.TryParse(value, out var parsed));
        Assert.Equal(s_example, parsed);
    }

    [Fact]
    public void Asctime_with_a_two_digit_day()
    {
        Assert.True(HttpDate.TryParse("Thu Dec 10 08:49:37 2026", out var parsed));
        Assert.Equal(new DateTimeOffset(2026, 12, 10, 8, 49, 37, TimeSpan.Zero), parsed);
    }

    [Theory]
    [InlineData("Sun,  06 Nov 1994 08:49:37 GMT")] // two spaces where the grammar has one
    [InlineData("Sun, 06 Nov 1994  08:49:37 GMT")]
    [InlineData("Sun, 06 Nov 1994 08:49:37 UTC")] // another zone
    [InlineData("Sun, 06 Nov 1994 08:49:37 +0000")]
    [InlineData("Sun Nov 6 08:49:37 1994")] // asctime's day is two characters
    [InlineData("Sun, 06 Nov 1994 08:49:37")] // no zone
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT\u00E9")] // obs-text
    [InlineData("0")] // what some servers send for "already expired"
    [InlineData("-1")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_invalid(string? value) =>
        Assert.False(HttpDate.TryParse(value, out _));
}
