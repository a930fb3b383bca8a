using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Tests.Internal;

public sealed class RetryAfterParserTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("120", 120)] // §10.2.3 delta-seconds
    [InlineData("0", 0)]
    [InlineData("  5 ", 5)] // OWS around the field value
    [InlineData("Thu, 26 Nov 2026 12:00:30 GMT", 30)] // IMF-fixdate
    [InlineData("Thursday, 26-Nov-26 12:01:00 GMT", 60)] // obsolete RFC 850
    [InlineData("Thu Nov 26 12:00:10 2026", 10)] // asctime
    [InlineData("Thu Nov  5 12:00:10 2026", 0)] // asctime, one-digit day, in the past
    [InlineData("Wed, 25 Nov 2026 12:00:00 GMT", 0)] // a date in the past means now
    [InlineData("99999999999999999999999", 365 * 24 * 3600)] // overflow clamps to the maximum
    public void Parses(string value, long expectedSeconds)
    {
        Assert.True(RetryAfterParser.TryParse(value, s_now, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-5")] // no sign in delta-seconds
    [InlineData("1.5")] // no fraction
    [InlineData("soon")]
    [InlineData("Thu, 32 Nov 2026 12:00:00 GMT")]
    [InlineData(null)]
    public void RefusesGarbage(string? value)
    {
        Assert.False(RetryAfterParser.TryParse(value, s_now, out var delay));
        Assert.Equal(TimeSpan.Zero, delay);
    }

    [Fact]
    public void ReadsTheHeaderOfAResponse()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation("Retry-After", "7");
        Assert.True(RetryAfterParser.TryParse(response, s_now, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(7), delay);
    }
}
