using System.Globalization;
using CsCheck;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Internal;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// The parts of a representation (RFC 9111 §3.3-3.4) and the single-part <c>Content-Range</c> they come with
/// (RFC 9110 §14.4): one row per rule, and a property that any parts and any <c>Range</c> give held bytes equal to the
/// representation's, or the one range still missing, never an exception.
/// </summary>
public sealed class PartialContentTests
{
    [Theory]
    [InlineData("bytes 0-499/1234", 0, 499, 1234)] // §14.4
    [InlineData("bytes 734-1233/1234", 734, 1233, 1234)]
    [InlineData("BYTES 0-0/1", 0, 0, 1)] // unit names are case-insensitive (§14.1)
    [InlineData(" bytes 5-9/10 ", 5, 9, 10)]
    public void A_single_part_Content_Range_is_read(string value, long first, long last, long length)
    {
        Assert.True(ContentRange.TryParse(value, out var range));
        Assert.Equal(new ContentRange(first, last, length), range);
    }

    [Theory]
    [InlineData("bytes 42-1233/*")] // unknown length: nothing to combine into
    [InlineData("bytes */1234")] // a 416's unsatisfied-range
    [InlineData("bytes 500-499/1234")] // §14.4: last-pos under first-pos is invalid
    [InlineData("bytes 0-1234/1234")] // §14.4: last-pos not under the length is invalid
    [InlineData("items 0-1/2")] // §14.4: a unit not understood is never combined
    [InlineData("bytes 0-1/99999999999999999999999")] // not a long: refused, never wrapped
    [InlineData("bytes -1-2/3")]
    [InlineData("bytes 0-1")]
    [InlineData("bytes=0-1/2")]
    [InlineData("")]
    [InlineData(null)]
    public void Any_other_Content_Range_is_not_combined(string? value) =>
        Assert.False(ContentRange.TryParse(value, out _));

    [Theory]
    [InlineData("ETag: \"a\"", "\"a\"")] // a strong entity-tag
    [InlineData("ETag: W/\"a\"", null)] // a weak one never combines parts (§3.4)
    [InlineData("ETag: W/\"a\"|Last-Modified: Sun, 01 Nov 2026 00:00:00 GMT|Date: Sun, 01 Nov 2026 01:00:00 GMT", null)]
    [InlineData("Last-Modified: Sun, 01 Nov 2026 00:00:00 GMT|Date: Sun, 01 Nov 2026 00:01:00 GMT", "date:Sun, 01 Nov 2026 00:00:00 GMT")] // §8.8.2.2: 60 s
    [InlineData("Last-Modified: Sun, 01 Nov 2026 00:00:00 GMT|Date: Sun, 01 Nov 2026 00:00:59 GMT", null)] // too close: weak
    [InlineData("Last-Modified: Sun, 01 Nov 2026 00:00:00 GMT", null)] // no Date: weak
    [InlineData("Content-Type: text/plain", null)]
    public void Parts_combine_only_under_a_strong_validator(string lines, string? expected)
    {
        var fields = ResponseFields.Parse(206, CacheStrategyTests.Lines(lines), TestClock.Received);
        Assert.Equal(expected, PartialRules.StrongValidator(fields));
    }

    [Fact]
    public void Parts_are_combined_and_a_missing_middle_is_one_range()
    {
        var parts = PartSet.Of(new ContentRange(0, 99, 1000), Bytes(0, 99)).With(new ContentRange(200, 299, 1000), Bytes(200, 299));
        Assert.Equal([(0L, 99L), (200L, 299L)], parts.Runs);
        Assert.Equal((100L, 199L), parts.Missing(0, 299));
        Assert.Equal((100L, 999L), parts.Missing(50, 999)); // from the first missing byte to the last
        Assert.Null(parts.Missing(200, 250));
        Assert.False(parts.TrySlice(50, 250, out _));

        var whole = parts.With(new ContentRange(100, 199, 1000), Bytes(100, 199)).With(new ContentRange(250, 999, 1000), Bytes(250, 999));
        Assert.True(whole.IsComplete);
        Assert.Equal(Bytes(0, 999).ToArray(), whole.Bytes.ToArray());
        Assert.Equal("0-999/1000", whole.Describe());
    }

    [Fact]
    public void A_part_of_another_length_replaces_the_parts()
    {
        var parts = PartSet.Of(new ContentRange(0, 9, 100), Bytes(0, 9)).With(new ContentRange(0, 4, 50), Bytes(0, 4));
        Assert.Equal(50, parts.Length);
        Assert.Equal([(0L, 4L)], parts.Runs);
    }

    [Theory]
    [InlineData("0-9/10")]
    [InlineData("0-3,6-9/10")]
    public void The_stored_description_reads_back(string description)
    {
        Assert.True(PartSet.TryRead(description, new byte[description == "0-9/10" ? 10 : 8], out var parts));
        Assert.Equal(description, parts.Describe());
    }

    [Theory]
    [InlineData("0-3,4-9/10", 10)] // adjacent runs are one: never written so
    [InlineData("4-9,0-3/10", 10)] // out of order
    [InlineData("0-9/10", 9)] // bytes do not match
    [InlineData("0-10/10", 11)]
    [InlineData("/10", 0)]
    [InlineData("0-9", 10)]
    [InlineData(null, 0)]
    public void A_damaged_description_is_refused(string? description, int bytes) =>
        Assert.False(PartSet.TryRead(description, new byte[bytes], out _));

    private static byte At(long i) => (byte)((i * 31) + 7);

    private static ReadOnlyMemory<byte> Bytes(long first, long last)
    {
        var bytes = new byte[last - first + 1];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = At(first + i);
        }

        return bytes;
    }

    private static readonly Gen<string> s_contentRangeText = Gen.Frequency(
        (4, Gen.Select(Gen.Long[-2, 400], Gen.Long[-2, 400], Gen.Long[-2, 400]).Select(t => FormattableString.Invariant($"bytes {t.Item1}-{t.Item2}/{t.Item3}"))),
        (2, Gen.Char["bytes */-0123456789 "].Array[0, 30].Select(c => new string(c))),
        (1, Gen.String));

    // Any Content-Range text reads or is refused, never throws; parts combined in any order hold exactly the
    // representation's bytes at their places; any Range is then served from them byte for byte, or the one range
    // still missing is named (and it is missing, from its first byte to its last).
    [Fact]
    public void Any_parts_and_any_range_give_the_representations_bytes_or_the_range_to_fetch()
    {
        var partText = Gen.Select(Gen.Long[-1, 310], Gen.Long[-1, 310], Gen.Int[0, 9], s_contentRangeText);
        var gen = Gen.Select(Gen.Int[1, 300], partText.Array[1, 6], Gen.Select(Gen.Long[0, 320], Gen.Long[0, 320]));
        var (combined, served) = (0, 0);
        gen.Check(
            (length, made, asked) =>
            {
                // Mostly parts of this representation (some invalid), some of another length, some any text.
                var texts = made.Select(p => p.Item3 switch
                {
                    0 => p.Item4,
                    1 => FormattableString.Invariant($"bytes {p.Item1}-{p.Item2}/{length + 1}"),
                    _ => FormattableString.Invariant($"bytes {p.Item1}-{p.Item2}/{length}"),
                });
                PartSet? parts = null;
                var held = new bool[length];
                foreach (var text in texts)
                {
                    if (!ContentRange.TryParse(text, out var part) || part.Length != length)
                    {
                        continue;
                    }

                    parts = parts is null ? PartSet.Of(part, Bytes(part.First, part.Last)) : parts.With(part, Bytes(part.First, part.Last));
                    for (var i = part.First; i <= part.Last; i++)
                    {
                        held[i] = true;
                    }
                }

                if (parts is null)
                {
                    return;
                }

                combined++;

                // The runs are what was added, in order, and their bytes are the representation's.
                var offset = 0;
                var previousLast = -2L;
                foreach (var (first, last) in parts.Runs)
                {
                    Assert.True(first > previousLast + 1);
                    Assert.Equal(Bytes(first, last).ToArray(), parts.Bytes.Slice(offset, (int)(last - first + 1)).ToArray());
                    offset += (int)(last - first + 1);
                    previousLast = last;
                }

                Assert.Equal(held.Count(h => h), parts.Bytes.Length);
                Assert.Equal(held.All(h => h), parts.IsComplete);
                Assert.True(PartSet.TryRead(parts.Describe(), parts.Bytes, out var back));
                Assert.Equal(parts.Runs, back.Runs);

                var range = RangeRequests.Evaluate(FormattableString.Invariant($"bytes={Math.Min(asked.Item1, asked.Item2)}-{Math.Max(asked.Item1, asked.Item2)}"), length);
                if (range.Action != RangeAction.Partial)
                {
                    return;
                }

                var covered = Enumerable.Range((int)range.First, (int)range.Count).All(i => held[i]);
                Assert.Equal(covered, parts.TrySlice(range.First, range.Last, out var slice));
                if (covered)
                {
                    served++;
                    Assert.Equal(Bytes(range.First, range.Last).ToArray(), slice.ToArray());
                    Assert.Null(parts.Missing(range.First, range.Last));
                }
                else
                {
                    var (from, to) = parts.Missing(range.First, range.Last)!.Value;
                    var missing = Enumerable.Range((int)range.First, (int)range.Count).Where(i => !held[i]).ToList();
                    Assert.Equal(missing[0], from);
                    Assert.Equal(missing[^1], to);
                }
            }, 3000);

        // The cases are not all refused: many combine parts, and ranges are served from them.
        Assert.True(combined > 600, $"{combined} cases combined parts");
        Assert.True(served > 50, $"{served} ranges served from parts");
    }
}
