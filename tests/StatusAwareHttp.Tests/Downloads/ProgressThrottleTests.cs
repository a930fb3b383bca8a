using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Downloads.Internal;

namespace StatusAwareHttp.Tests.Downloads;

public sealed class ProgressThrottleTests
{
    [Fact]
    public void Reports_at_most_once_per_interval_and_always_the_final_one()
    {
        var time = new FakeTimeProvider();
        var progress = new InlineProgress();
        var throttle = new ProgressThrottle(progress, time, TimeSpan.FromMilliseconds(100));

        throttle.Report(10, 100);                       // at the start: too soon
        time.Advance(TimeSpan.FromMilliseconds(99));
        throttle.Report(20, 100);                       // 99 ms: too soon
        time.Advance(TimeSpan.FromMilliseconds(1));
        throttle.Report(30, 100);                       // 100 ms: reported
        throttle.Report(40, 100);                       // same instant: too soon
        time.Advance(TimeSpan.FromMilliseconds(250));
        throttle.Report(50, 100);                       // reported
        throttle.Final(100, 100);                       // always

        Assert.Equal([new(30, 100), new(50, 100), new(100, 100)], progress.Reports);
    }

    [Theory]
    [InlineData(50, 200L, 0.25)]
    [InlineData(0, 0L, 1.0)]
    [InlineData(10, null, null)]
    public void Fraction_is_bytes_over_total_when_known(long bytes, long? total, double? expected) =>
        Assert.Equal(expected, new DownloadProgress(bytes, total).Fraction);
}
