using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Retries.Internal;

namespace StatusAwareHttp.Tests.Retries;

public sealed class RetryDelaysTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_cap = TimeSpan.FromSeconds(30);

    [Theory]
    // RFC 9110 §10.2.3 delta-seconds: waited exactly, never early.
    [InlineData("5", 100, "Wait", 5)]
    [InlineData("0", 100, "Wait", 0)]
    [InlineData(" 7 ", 100, "Wait", 7)]
    [InlineData("30", 100, "Wait", 30)] // exactly the cap is still waited
    [InlineData("31", 100, "OverCap", 31)] // over the cap: handed back, delay kept for the caller
    [InlineData("3600", 100, "OverCap", 3600)]
    [InlineData("99999999999999999999", 100, "OverCap", 365 * 24 * 3600)] // huge: clamped, over the cap
    // §5.6.7 HTTP-date, all three formats, against the TimeProvider's now.
    [InlineData("Thu, 26 Nov 2026 12:00:10 GMT", 100, "Wait", 10)] // IMF-fixdate
    [InlineData("Thursday, 26-Nov-26 12:00:20 GMT", 100, "Wait", 20)] // obsolete RFC 850
    [InlineData("Thu Nov 26 12:00:25 2026", 100, "Wait", 25)] // asctime
    [InlineData("Thu, 26 Nov 2026 12:01:00 GMT", 100, "OverCap", 60)] // a date past the cap
    [InlineData("Wed, 25 Nov 2026 12:00:00 GMT", 100, "Wait", 0)] // a past date means now
    [InlineData("Thu, 26 Nov 2026 11:59:59 GMT", 100, "Wait", 0)]
    // Negative, fractional and garbage values are no Retry-After: Polly's backoff decides.
    [InlineData("-5", 100, "Backoff", 0)]
    [InlineData("1.5", 100, "Backoff", 0)]
    [InlineData("soon", 100, "Backoff", 0)]
    [InlineData("", 100, "Backoff", 0)]
    [InlineData(null, 100, "Backoff", 0)]
    [InlineData("Thu, 32 Nov 2026 12:00:00 GMT", 100, "Backoff", 0)]
    // The time left: a wait that ends at or past it is not started.
    [InlineData("20", 20, "PastTimeLeft", 20)]
    [InlineData("20", 21, "Wait", 20)]
    [InlineData("Thu, 26 Nov 2026 12:00:15 GMT", 10, "PastTimeLeft", 15)]
    [InlineData("0", 0, "PastTimeLeft", 0)] // no time left at all
    [InlineData("soon", 0, "Backoff", 0)] // the backoff is capped and cancellation stops it
    public void Retry_After_decides_the_wait(string? header, int timeLeftSeconds, string kind, long delaySeconds)
    {
        var time = new FakeTimeProvider(s_now);

        var wait = RetryDelays.ChooseFromHeader(header, time.GetUtcNow(), s_cap, TimeSpan.FromSeconds(timeLeftSeconds));

        Assert.Equal(Enum.Parse<RetryWaitKind>(kind), wait.Kind);
        Assert.Equal(TimeSpan.FromSeconds(delaySeconds), wait.Delay);
    }

    [Fact]
    public void An_HTTP_date_counts_from_the_time_providers_now_so_it_is_never_early()
    {
        var time = new FakeTimeProvider(s_now);
        var header = s_now.AddSeconds(10).ToString("r", CultureInfo.InvariantCulture);

        time.Advance(TimeSpan.FromSeconds(4));
        var later = RetryDelays.ChooseFromHeader(header, time.GetUtcNow(), s_cap, TimeSpan.FromSeconds(100));
        time.Advance(TimeSpan.FromSeconds(6));
        var atTheDate = RetryDelays.ChooseFromHeader(header, time.GetUtcNow(), s_cap, TimeSpan.FromSeconds(100));

        Assert.Equal(new RetryWait(RetryWaitKind.Wait, TimeSpan.FromSeconds(6)), later);
        Assert.Equal(new RetryWait(RetryWaitKind.Wait, TimeSpan.Zero), atTheDate);
    }

    [Theory]
    // retryAfter (-1: none), gate left, gate over cap, time left -> kind, delay
    [InlineData(-1, 0, false, 100, "Backoff", 0)] // nothing asked: backoff
    [InlineData(-1, 8, false, 100, "Wait", 8)] // another request closed the gate: wait for it
    [InlineData(5, 8, false, 100, "Wait", 8)] // the longer of the two, never early for either
    [InlineData(9, 8, false, 100, "Wait", 9)]
    [InlineData(-1, 8, false, 8, "PastTimeLeft", 8)]
    [InlineData(-1, 30, true, 100, "OverCap", 30)] // the origin asked for more than the cap
    [InlineData(5, 0, true, 100, "Wait", 5)] // an expired over-cap gate no longer counts
    public void The_wait_before_a_retry_also_respects_the_origin_gate(int retryAfter, int gateLeft, bool gateOverCap, int timeLeft, string kind, int delay)
    {
        var wait = RetryDelays.Choose(
            retryAfter < 0 ? null : TimeSpan.FromSeconds(retryAfter),
            TimeSpan.FromSeconds(gateLeft),
            gateOverCap,
            s_cap,
            TimeSpan.FromSeconds(timeLeft));

        Assert.Equal(new RetryWait(Enum.Parse<RetryWaitKind>(kind), TimeSpan.FromSeconds(delay)), wait);
    }

    [Theory]
    [InlineData(0, false, 100, "Pass")] // open
    [InlineData(-3, false, 100, "Pass")] // passed
    [InlineData(10, false, 100, "Wait")] // wait for the origin with the others
    [InlineData(10, false, 10, "FailFast")] // cannot wait that long: fail fast, nothing sent
    [InlineData(10, false, 5, "FailFast")]
    [InlineData(10, true, 100, "FailFast")] // the origin asked for more than the cap
    public void At_the_gate(int gateLeft, bool overCap, int timeLeft, string action) =>
        Assert.Equal(Enum.Parse<GateAction>(action), RetryDelays.AtGate(TimeSpan.FromSeconds(gateLeft), overCap, TimeSpan.FromSeconds(timeLeft)));

    [Theory]
    [InlineData(10, 10)]
    [InlineData(30, 30)]
    [InlineData(3600, 30)] // the gate never holds longer than the cap
    public void The_gate_holds_at_most_the_cap(int retryAfter, int hold) =>
        Assert.Equal(TimeSpan.FromSeconds(hold), RetryDelays.GateHold(TimeSpan.FromSeconds(retryAfter), s_cap));

    [Theory]
    [InlineData(100, 0, 100)]
    [InlineData(100, 30, 70)]
    [InlineData(100, 120, -20)]
    public void Time_left_is_the_limit_minus_the_time_spent(int limit, int elapsed, int left) =>
        Assert.Equal(TimeSpan.FromSeconds(left), RetryDelays.TimeLeft(TimeSpan.FromSeconds(limit), TimeSpan.FromSeconds(elapsed)));
}
