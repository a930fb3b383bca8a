using CsCheck;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Internal;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// The range rule (RFC 9110 §14, §13.1.5) a stored 200 answers a range request by: one row per rule, and a property
/// that any <c>Range</c> text gives an answer or "go to the origin", never an exception or a byte outside the request.
/// </summary>
public sealed class RangeRequestsTests
{
    private const long Length = 10000;
    private static readonly DateTimeOffset s_now = TestClock.Received;

    [Theory]
    [InlineData("bytes=0-499", 0, 499)] // §14.1.2: first-last, inclusive, from zero
    [InlineData("bytes=500-999", 500, 999)]
    [InlineData("bytes=9500-", 9500, 9999)] // first- : the remainder
    [InlineData("bytes=-500", 9500, 9999)] // suffix: the last N bytes
    [InlineData("bytes=-10000", 0, 9999)] // a suffix as long as the representation: all of it
    [InlineData("bytes=-99999999", 0, 9999)] // longer: all of it (§14.1.2)
    [InlineData("bytes=9000-20000", 9000, 9999)] // last-pos past the end: the remainder (§14.1.2)
    [InlineData("bytes=0-99999999999999999999999999", 0, 9999)] // §14.1.2: huge numerals do not overflow
    [InlineData("bytes=9999-9999", 9999, 9999)]
    [InlineData("BYTES=0-0", 0, 0)] // §14.1: unit names are case-insensitive
    [InlineData("bytes= 0-9 ", 0, 9)] // §5.6.1: OWS around list members
    [InlineData("bytes=0-9,", 0, 9)] // §5.6.1: empty list elements
    public void One_satisfiable_range_is_served_as_a_206(string range, long first, long last)
    {
        var decision = RangeRequests.Decide(range, null, 200, "\"a\"", null, null, Length, s_now);
        Assert.Equal(new RangeDecision(RangeAction.Partial, first, last, Length), decision);
        Assert.Equal($"bytes {first}-{last}/{Length}", decision.ContentRange); // §14.4
    }

    [Theory]
    [InlineData("bytes=10000-")] // §14.1.2: first-pos at or past the length
    [InlineData("bytes=10000-10010")]
    [InlineData("bytes=99999999999999999999999-")]
    [InlineData("bytes=-0")] // §14.1.2: only a non-zero suffix-length is satisfiable
    [InlineData("bytes=10000-,20000-30000")] // §14.1.1: a set is unsatisfiable when none of its ranges is satisfiable
    public void No_satisfiable_range_is_a_416_with_the_length(string range)
    {
        var decision = RangeRequests.Decide(range, null, 200, null, null, null, Length, s_now);
        Assert.Equal(RangeAction.Unsatisfiable, decision.Action);
        Assert.Equal("bytes */10000", decision.ContentRange); // §14.4, §15.5.17
    }

    [Theory]
    [InlineData("bytes=0-0,-1")] // several ranges: the whole representation (no multipart/byteranges)
    [InlineData("bytes=0-99,200-299")]
    [InlineData("bytes=0-9, 20000-")] // even when only one of them is satisfiable
    [InlineData("bytes=5-4")] // §14.1.1: last-pos under first-pos is invalid; §14.2: an invalid Range is ignored
    [InlineData("bytes=a-b")]
    [InlineData("bytes=1-2-3")]
    [InlineData("bytes=")]
    [InlineData("bytes")]
    [InlineData("=0-1")]
    [InlineData("bytes=--1")]
    [InlineData("bytes=+1-2")]
    [InlineData("bytes 0-1")]
    [InlineData("by tes=0-1")]
    public void An_invalid_or_multiple_range_gets_the_whole_representation(string range) =>
        Assert.Equal(RangeAction.Whole, RangeRequests.Decide(range, null, 200, null, null, null, Length, s_now).Action);

    [Theory]
    [InlineData("items=0-1")] // §14.2: a unit the cache does not know is the origin's to read
    [InlineData("pages=-1")]
    public void An_unknown_unit_goes_to_the_origin(string range) =>
        Assert.Equal(RangeAction.Origin, RangeRequests.Decide(range, null, 200, null, null, null, Length, s_now).Action);

    [Theory]
    [InlineData(404)] // §14.2: Range applies only where the answer without it would be a 200
    [InlineData(301)]
    [InlineData(203)]
    public void Another_stored_status_is_served_whole(int status) =>
        Assert.Equal(RangeAction.Whole, RangeRequests.Decide("bytes=0-1", null, status, null, null, null, Length, s_now).Action);

    [Fact]
    public void An_empty_representation_is_served_whole() => // §14.2: Range MAY be ignored on zero-length content
        Assert.Equal(RangeAction.Whole, RangeRequests.Decide("bytes=-5", null, 200, null, null, null, 0, s_now).Action);

    private static readonly DateTimeOffset s_modified = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    // §13.1.5: If-Range holds for the stored strong entity-tag (strong comparison), or for a stored Last-Modified it
    // equals exactly when that date is strong (§8.8.2.2: the entry's Date at least 60 s later); anything else is false,
    // and a false If-Range means the whole representation.
    [Theory]
    [InlineData("\"a\"", "\"a\"", 60, true)]
    [InlineData(" \"a\" ", "\"a\"", 60, true)]
    [InlineData("\"b\"", "\"a\"", 60, false)] // another representation
    [InlineData("W/\"a\"", "W/\"a\"", 60, false)] // a weak tag never matches
    [InlineData("\"a\"", "W/\"a\"", 60, false)] // strong comparison: the stored tag is weak
    [InlineData("W/\"a\"", "\"a\"", 60, false)]
    [InlineData("\"a", "\"a", 60, false)] // not an entity-tag
    [InlineData("Sun, 01 Nov 2026 00:00:00 GMT", null, 60, true)] // the stored date, strong
    [InlineData("Sunday, 01-Nov-26 00:00:00 GMT", null, 60, true)] // in an obsolete format
    [InlineData("Sun, 01 Nov 2026 00:00:00 GMT", null, 59, false)] // §8.8.2.2: a date under 60 s before Date is weak
    [InlineData("Sun, 01 Nov 2026 00:00:01 GMT", null, 3600, false)] // exact match, not "earlier than or equal"
    [InlineData("Sat, 31 Oct 2026 23:59:59 GMT", null, 3600, false)]
    [InlineData("yesterday", "\"a\"", 60, false)] // does not parse
    [InlineData("", "\"a\"", 60, false)] // several If-Range lines are read as this
    public void If_Range_holds_only_for_the_stored_strong_validator(string ifRange, string? etag, int dateAfterSeconds, bool holds)
    {
        var date = s_modified.AddSeconds(dateAfterSeconds);
        Assert.Equal(holds, RangeRequests.IfRangeHolds(ifRange, etag, s_modified, date, s_now));
        var decision = RangeRequests.Decide("bytes=0-9", ifRange, 200, etag, s_modified, date, Length, s_now);
        Assert.Equal(holds ? RangeAction.Partial : RangeAction.Whole, decision.Action);
    }

    [Fact]
    public void If_Range_with_a_date_needs_a_stored_Date()
    {
        Assert.False(RangeRequests.IfRangeHolds("Sun, 01 Nov 2026 00:00:00 GMT", null, s_modified, null, s_now));
        Assert.False(RangeRequests.IfRangeHolds("Sun, 01 Nov 2026 00:00:00 GMT", null, null, s_modified.AddDays(1), s_now));
    }

    /// <summary>Range text made of the grammar's parts, numbers around the length, and any other characters.</summary>
    private static readonly Gen<string> s_rangeText = Gen.Frequency(
        (6, Gen.Select(
            Gen.OneOf(Gen.Const("bytes"), Gen.Const("BYTES"), Gen.Const("items"), Gen.Const("")),
            Gen.Select(Number(), Gen.OneOf(Gen.Const("-"), Gen.Const(""), Gen.Const("--")), Number())
                .Select((a, dash, b) => a + dash + b).Array[0, 4],
            Gen.OneOf(Gen.Const(","), Gen.Const(", "), Gen.Const(" ,,")),
            (unit, specs, glue) => unit + "=" + string.Join(glue, specs))),
        (2, Gen.Char["bytes=-0123456789, \t*\"W/"].Array[0, 40].Select(chars => new string(chars))),
        (1, Gen.String));

    private static Gen<string> Number() => Gen.Frequency(
        (4, Gen.Long[0, 300].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (2, Gen.Long[0, long.MaxValue].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Const("99999999999999999999999999")),
        (2, Gen.Const("")));

    // Any Range text on any stored body: an answer or "go to the origin", never an exception; a 206 carries exactly
    // the bytes the request names (checked against a plain model of §14.1.2), from the response the cache builds.
    [Fact]
    public void Any_range_text_gives_an_answer_and_never_a_wrong_byte()
    {
        var gen = Gen.Select(s_rangeText, Gen.Int[0, 260], Gen.Frequency((4, Gen.Const(string.Empty)), (1, Gen.OneOf(Gen.Const("\"a\""), Gen.Const("W/\"a\""), Gen.Const(" \"a\" "), Gen.String))));
        gen.Check(
            (range, length, condition) =>
            {
                var ifRange = condition.Length == 0 ? null : condition;
                var body = new byte[length];
                for (var i = 0; i < length; i++)
                {
                    body[i] = (byte)(i * 7);
                }

                var decision = RangeRequests.Decide(range, ifRange, 200, "\"a\"", null, null, length, s_now);
                Assert.Equal(Model(range, ifRange, length), decision);
                if (decision.Action != RangeAction.Partial)
                {
                    return;
                }

                var entry = new HttpCacheEntry(200, [new("Content-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("ETag", "\"a\"")], body, s_now, s_now, []);
                using var request = new HttpRequestMessage(HttpMethod.Get, "http://example.test/");
                using var response = CacheHeaders.ToPartialResponse(entry, request, decision, entry.Body.Slice((int)decision.First, (int)decision.Count));
                var served = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
                Assert.Equal(body.AsSpan((int)decision.First, (int)decision.Count).ToArray(), served);
                Assert.Equal(decision.Count, response.Content.Headers.ContentLength);
                Assert.Equal(decision.ContentRange, string.Join(",", response.Content.Headers.NonValidated["Content-Range"]));
            }, 5000);
    }

    /// <summary>§14.1.2 written out plainly (a regex and BigInteger) to check the rule against.</summary>
    private static RangeDecision Model(string range, string? ifRange, long length)
    {
        if (ifRange is not null && ifRange.Trim(' ', '\t') != "\"a\"")
        {
            return RangeDecision.Whole;
        }

        var match = System.Text.RegularExpressions.Regex.Match(range, @"^[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(.*?)[ \t]*$", System.Text.RegularExpressions.RegexOptions.Singleline);
        if (!match.Success)
        {
            return RangeDecision.Whole;
        }

        if (!match.Groups[1].Value.Equals("bytes", StringComparison.OrdinalIgnoreCase))
        {
            return RangeDecision.Origin;
        }

        if (length == 0)
        {
            return RangeDecision.Whole;
        }

        var specs = match.Groups[2].Value.Split(',').Select(s => s.Trim(' ', '\t')).Where(s => s.Length > 0).ToList();
        var satisfied = new List<(long First, long Last)>();
        foreach (var spec in specs)
        {
            var parts = System.Text.RegularExpressions.Regex.Match(spec, "^([0-9]*)-([0-9]*)$");
            if (!parts.Success || (parts.Groups[1].Length == 0 && parts.Groups[2].Length == 0))
            {
                return RangeDecision.Whole;
            }

            var big = (string s) => System.Numerics.BigInteger.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
            if (parts.Groups[1].Length == 0)
            {
                var suffix = big(parts.Groups[2].Value);
                if (suffix > 0)
                {
                    satisfied.Add((suffix >= length ? 0 : length - (long)suffix, length - 1));
                }

                continue;
            }

            var first = big(parts.Groups[1].Value);
            var open = parts.Groups[2].Length == 0;
            var last = open ? first : big(parts.Groups[2].Value);
            if (last < first)
            {
                return RangeDecision.Whole;
            }

            if (first < length)
            {
                satisfied.Add(((long)first, open ? length - 1 : (long)System.Numerics.BigInteger.Min(last, length - 1)));
            }
        }

        if (specs.Count == 0)
        {
            return RangeDecision.Whole;
        }

        if (satisfied.Count == 0)
        {
            return new RangeDecision(RangeAction.Unsatisfiable, Length: length);
        }

        return specs.Count == 1 ? new RangeDecision(RangeAction.Partial, satisfied[0].First, satisfied[0].Last, length) : RangeDecision.Whole;
    }
}
