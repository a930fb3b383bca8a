using StatusAwareHttp.Testing.Har;

namespace StatusAwareHttp.Testing.Tests.Har;

/// <summary>The dates of a recorded response moved onto the test's clock, as a table.</summary>
public sealed class DateRebasingTests
{
    [Theory]
    [InlineData("Sun, 01 Mar 2026 10:00:00 GMT", 3600, "Sun, 01 Mar 2026 11:00:00 GMT")]                // IMF-fixdate
    [InlineData("Sun, 01 Mar 2026 10:00:00 GMT", -86400, "Sat, 28 Feb 2026 10:00:00 GMT")]              // back a day, across a month
    [InlineData("Sunday, 01-Mar-26 10:00:00 GMT", 60, "Sun, 01 Mar 2026 10:01:00 GMT")]                 // RFC 850, written as IMF-fixdate
    [InlineData("Sun Mar  1 10:00:00 2026", 30, "Sun, 01 Mar 2026 10:00:30 GMT")]                       // asctime
    [InlineData("Thu, 31 Dec 2026 23:59:59 GMT", 1, "Fri, 01 Jan 2027 00:00:00 GMT")]                   // across a year
    [InlineData("Fri, 31 Dec 9999 23:00:00 GMT", 86400, "Fri, 31 Dec 9999 23:59:59 GMT")]               // held within what HTTP can write
    [InlineData("0", 3600, "0")]                                                                        // Expires: 0, already expired
    [InlineData("5", 3600, "5")]                                                                        // Retry-After in seconds
    [InlineData("", 3600, "")]
    [InlineData("not a date", 3600, "not a date")]
    public void A_date_is_shifted_and_anything_else_kept(string value, int seconds, string expected) =>
        Assert.Equal(expected, DateRebasing.Shift(value, TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("Date", true)]
    [InlineData("last-modified", true)]
    [InlineData("EXPIRES", true)]
    [InlineData("Retry-After", true)]
    [InlineData("Age", false)]
    [InlineData("Cache-Control", false)]
    [InlineData("Sunset", false)]
    public void The_rebased_fields_are_the_dates_of_freshness_and_validation(string name, bool rebased) =>
        Assert.Equal(rebased, DateRebasing.IsDateField(name));

    [Fact]
    public void A_recorded_response_without_date_gets_its_entrys_start_rebased()
    {
        var exchange = new HarExchange
        {
            Index = 0,
            Started = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero),
            Method = "GET",
            Url = new Uri("http://a/"),
            RequestHeaders = [],
            Status = 200,
            ResponseHeaders = [new("Expires", "Sun, 01 Mar 2026 09:05:00 GMT"), new("Content-Disposition", "attachment; filename=\"ü.txt\"")],
            ResponseBody = [],
        };

        var fields = ReplayResponses.Fields(exchange, TimeSpan.FromHours(1));

        Assert.Equal(
            [("Expires", "Sun, 01 Mar 2026 10:05:00 GMT"), ("Date", "Sun, 01 Mar 2026 10:00:00 GMT")],
            fields);
    }
}
