using StatusAwareHttp.Testing.Internal;

namespace StatusAwareHttp.Testing.Tests;

/// <summary>The Range field of RFC 9110 §14.1.2 and §14.2 against a 100-byte representation, as a table.</summary>
public sealed class RangeRulesTests
{
    [Theory]
    [InlineData(null, true, "Full", "")]
    [InlineData("bytes=0-9", true, "Partial", "0-9")]
    [InlineData("bytes=90-", true, "Partial", "90-99")]
    [InlineData("bytes=-10", true, "Partial", "90-99")]
    [InlineData("bytes=-500", true, "Partial", "0-99")]
    [InlineData("bytes=95-500", true, "Partial", "95-99")]
    [InlineData("bytes=99-99", true, "Partial", "99-99")]
    // Several ranges: overlapping or adjacent ones coalesced, the rest as parts in ascending order.
    [InlineData("bytes=0-9,20-29", true, "Partial", "0-9,20-29")]
    [InlineData("bytes=0-9,5-14,15-19", true, "Partial", "0-19")]
    [InlineData("bytes=0-9,200-300", true, "Partial", "0-9")]
    // Unsatisfiable: every range starts at or after the length, or a zero suffix.
    [InlineData("bytes=100-", true, "NotSatisfiable", "")]
    [InlineData("bytes=100-200,300-", true, "NotSatisfiable", "")]
    [InlineData("bytes=-0", true, "NotSatisfiable", "")]
    // Ignored: another unit, bad syntax, last before first, a failed If-Range.
    [InlineData("items=0-9", true, "Full", "")]
    [InlineData("bytes=abc", true, "Full", "")]
    [InlineData("bytes=9-0", true, "Full", "")]
    [InlineData("bytes=0-9", false, "Full", "")]
    public void Ranges_follow_rfc_9110(string? range, bool ifRangeHolds, string expected, string ranges)
    {
        var answer = ByteRanges.Evaluate(range, ifRangeHolds, length: 100);

        Assert.Equal(Enum.Parse<RangeOutcome>(expected), answer.Outcome);
        Assert.Equal(ranges, string.Join(",", answer.Ranges.Select(r => $"{r.First}-{r.Last}")));
    }

    [Fact]
    public void An_empty_representation_satisfies_no_range() =>
        Assert.Equal(RangeOutcome.NotSatisfiable, ByteRanges.Evaluate("bytes=-5", ifRangeHolds: true, length: 0).Outcome);
}
