using System.Reflection;
using CsCheck;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Internal;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// §4.3.4, §3.2: the view of a stored response updated by a 304, built from the stored view and the 304's lines, is
/// the view a full parse of the merged lines gives; the 304's validators read alone are those a parse reads; a 304
/// that repeats the stored lines leaves them as they are.
/// </summary>
public class NotModifiedMergeTests
{
    private const string Stored =
        "Content-Type: text/plain|Content-Length: 5|Date: Wed, 01 Jan 2025 00:00:00 GMT|Cache-Control: no-cache|ETag: \"a\"|Last-Modified: Tue, 31 Dec 2024 00:00:00 GMT|Vary: Accept|Expires: Wed, 01 Jan 2025 00:01:00 GMT|Age: 5|Set-Cookie2: old|X-A: 1";

    [Theory]
    [InlineData("Date: Wed, 01 Jan 2025 00:00:09 GMT")] // the common 304: a new Date
    [InlineData("Date: Wed, 01 Jan 2025 00:00:09 GMT|Date: Wed, 01 Jan 2025 00:00:10 GMT")] // §4.2.1: two different Dates are not trusted
    [InlineData("Date: soon")] // an invalid Date
    [InlineData("Cache-Control: max-age=60, must-revalidate")] // Cache-Control replaced as a whole
    [InlineData("Cache-Control: max-age=60|Cache-Control: private")] // a field of several lines
    [InlineData("Expires: 0")] // §5.3: an invalid Expires means expired
    [InlineData("Expires: Wed, 01 Jan 2025 00:05:00 GMT|Expires: Wed, 01 Jan 2025 00:06:00 GMT")] // two different Expires
    [InlineData("ETag: W/\"a\"")] // the validator replaced
    [InlineData("ETag: \"\u00e9\"")] // an entity tag that cannot be sent back: none
    [InlineData("Last-Modified: Mon, 30 Dec 2024 00:00:00 GMT")]
    [InlineData("Age: 30, 40")] // §5.1: the first member; Age is never written back
    [InlineData("Vary: Accept-Language, accept-language|Vary: *")] // Vary replaced, * kept
    [InlineData("Vary: ")] // an empty Vary: no names
    [InlineData("Set-Cookie: a=1")]
    [InlineData("Content-Length: 0|Content-Encoding: br|Content-Type: text/html")] // §3.2: framing and coding not updated
    [InlineData("X-A: 2|X-B: 3")] // other fields replaced or added
    [InlineData("")] // a 304 with nothing
    public void The_updated_view_is_the_view_of_the_merged_lines(string update)
    {
        var stored = CacheStrategyTests.Lines(Stored);
        var lines = CacheStrategyTests.Lines(update);
        var merged = CacheHeaders.Merge(stored, lines);

        var updated = ResponseFields.Updated(ResponseFields.Parse(200, stored, TestClock.Received), lines, merged, TestClock.Received);

        Assert.Equal(View(ResponseFields.Parse(200, merged, TestClock.Received)), View(updated));
    }

    [Theory]
    [InlineData("ETag: \"b\"", "\"b\"", null)]
    [InlineData("ETag:  W/\"b\" |ETag: \"c\"", "W/\"b\"", null)] // the first line, trimmed
    [InlineData("ETag: \"\u00e9\"", null, null)] // not sendable: no entity tag
    [InlineData("Last-Modified: Mon, 30 Dec 2024 00:00:00 GMT|Last-Modified: Sun, 29 Dec 2024 00:00:00 GMT", null, "2024-12-30")]
    [InlineData("Last-Modified: yesterday", null, null)]
    [InlineData("Date: Wed, 01 Jan 2025 00:00:09 GMT", null, null)]
    public void The_validators_read_alone_are_those_a_parse_reads(string lines, string? etag, string? lastModified)
    {
        var update = CacheStrategyTests.Lines(lines);
        ResponseFields.ReadValidators(update, TestClock.Received, out var readETag, out var readLastModified);
        var parsed = ResponseFields.Parse(304, update, TestClock.Received);

        Assert.Equal(etag, readETag);
        Assert.Equal(lastModified is null ? null : DateTimeOffset.Parse(lastModified + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), readLastModified);
        Assert.Equal(parsed.ETag, readETag);
        Assert.Equal(parsed.LastModified, readLastModified);
    }

    [Theory]
    [InlineData("Date: D|ETag: \"a\"|X: 1", "Date: D|ETag: \"a\"", false)] // stored order differs from merged order
    [InlineData("X: 1|Date: D|ETag: \"a\"", "Date: D|ETag: \"a\"", true)] // the lines a previous update left
    [InlineData("X: 1|Date: D|ETag: \"a\"", "Date: E|ETag: \"a\"", false)] // a new Date
    [InlineData("X: 1|Date: D", "Date: D|Content-Length: 0", true)] // framing lines are not merged
    [InlineData("X: 1|Date: D", "date: D", false)] // the same field, its name spelt otherwise
    [InlineData("X: 1|Date: D", "Date: D|Y: 2", false)] // an added line
    [InlineData("X: 1|X: 2|Date: D", "X: 1|X: 2|Date: D", true)] // every line replaced by the same lines in the same order
    [InlineData("X: 1|X: 2|Date: D", "Date: D|X: 1|X: 2", false)] // the same lines in another order
    [InlineData("Date: D", "", true)]
    public void A_304_that_repeats_the_stored_lines_keeps_them(string stored, string update, bool keeps)
    {
        var (storedLines, updateLines) = (CacheStrategyTests.Lines(stored), CacheStrategyTests.Lines(update));

        Assert.Equal(keeps, CacheHeaders.MergeKeeps(storedLines, updateLines));
        Assert.Equal(keeps, storedLines.SequenceEqual(CacheHeaders.Merge(storedLines, updateLines)));
    }

    [Fact]
    public void An_update_that_repeats_the_stored_lines_shares_them_and_their_view()
    {
        var time = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var stored = new HttpCacheEntry(200, StoredLines.Compact(CacheStrategyTests.Lines("X: 1|Date: D|ETag: \"a\"")), new byte[] { 1 }, time, time, []);

        var updated = OriginAnswers.WithUpdate(stored, CacheStrategyTests.Lines("Date: D|ETag: \"a\""), time.AddSeconds(1), time.AddSeconds(2));

        Assert.Same(stored.Headers, updated.Headers);
        Assert.Same(stored.Parsed, updated.Parsed);
        Assert.Equal(time.AddSeconds(2), updated.ResponseTime);
    }

    [Fact]
    public void Entries_with_the_same_lines_share_their_lines_and_view_and_others_do_not()
    {
        var time = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        HttpCacheEntry Entry(int status, string lines)
        {
            var compact = StoredLines.Compact(CacheStrategyTests.Lines(lines));
            return HttpCacheEntry.Create(ResponseFields.Parse(status, compact, TestClock.Received), compact, new byte[] { 1 }, time, time, []);
        }

        var a = Entry(200, "Cache-Control: max-age=5|X-Shared: 1");
        var b = Entry(200, "Cache-Control: max-age=5|X-Shared: 1");
        var other = Entry(203, "Cache-Control: max-age=5|X-Shared: 1");

        Assert.Same(a.Headers, b.Headers);
        Assert.Same(a.Parsed, b.Parsed);
        Assert.Equal(203, other.Parsed.StatusCode);
        Assert.Equal(203, other.StatusCode);
        Assert.Equal(a.Headers, other.Headers);
    }

    [Fact]
    public void Any_stored_lines_updated_by_any_304_give_the_view_of_the_merged_lines()
    {
        var line = Gen.Select(
            Gen.OneOf("Cache-Control", "cache-control", "Date", "Expires", "Last-Modified", "ETag", "Age", "Vary", "Content-Length", "Content-Encoding", "Set-Cookie", "Set-Cookie2", "Content-Type", "X", "Bad Name"),
            Gen.OneOf(
                Gen.OneOf("max-age=5", "no-cache", "Wed, 01 Jan 2025 00:00:00 GMT", "Wed, 01 Jan 2025 00:00:09 GMT", "0", "\"a\"", "W/\"a\"", "*", "Accept, *", "5", " 7, 8", ""),
                Gen.String[0, 12]),
            (name, value) => new KeyValuePair<string, string>(name, value));
        Gen.Select(line.List[0, 8], line.List[0, 5]).Check(
            pair =>
            {
                var (stored, update) = pair;
                var merged = CacheHeaders.Merge(stored, update);
                var updated = ResponseFields.Updated(ResponseFields.Parse(200, stored, TestClock.Received), update, merged, TestClock.Received);
                Assert.Equal(View(ResponseFields.Parse(200, merged, TestClock.Received)), View(updated));
                Assert.Equal(stored.SequenceEqual(merged), CacheHeaders.MergeKeeps(stored, update));
            }, 3000);
    }

    /// <summary>Every value of the view, as text: public properties and the Cache-Control fields.</summary>
    private static string View(ResponseFields response)
    {
        static string Text(object? value) => value switch
        {
            null => "null",
            string s => s,
            System.Collections.IEnumerable items => "[" + string.Join(",", items.Cast<object?>().Select(Text)) + "]",
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
        };

        var properties = typeof(ResponseFields).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={Text(p.GetValue(response))}");
        var directives = typeof(CacheDirectives).GetFields(BindingFlags.Public | BindingFlags.Instance)
            .Select(f => $"cc.{f.Name}={Text(f.GetValue(response.CacheControl))}");
        return string.Join("; ", properties.Concat(directives));
    }
}
