namespace StatusAwareHttp.Tests.Internal;

/// <summary>The receive time pure parsing tests read header dates against (an RFC 850 year depends on it).</summary>
internal static class TestClock
{
    public static readonly DateTimeOffset Received = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
}
