using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Internal;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>What the hot paths remember or share to allocate less never changes a value.</summary>
public class HotPathSharingTests
{
    [Theory]
    [InlineData(86400L, "c; hit; ttl=86400")]
    [InlineData(0L, "c; hit; ttl=0")]
    [InlineData(-7L, "c; hit; ttl=-7")]
    [InlineData(32L, "c; hit; ttl=32")]
    public void Hit_values_are_the_same_built_or_remembered(long ttl, string expected)
    {
        var status = new CacheStatus("c");

        var first = status.Hit(TimeSpan.FromSeconds(ttl));
        var second = status.Hit(TimeSpan.FromSeconds(ttl) + TimeSpan.FromMilliseconds(400));

        Assert.Equal(expected, first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Hit_values_in_the_same_slot_are_not_confused()
    {
        var status = new CacheStatus("c");
        for (var round = 0; round < 3; round++)
        {
            Assert.Equal("c; hit; ttl=1", status.Hit(TimeSpan.FromSeconds(1)));
            Assert.Equal("c; hit; ttl=33", status.Hit(TimeSpan.FromSeconds(33)));
            Assert.Equal("c; hit; ttl=-31", status.Hit(TimeSpan.FromSeconds(-31)));
        }
    }

    [Fact]
    public void Stored_lines_keep_every_line_in_order_and_share_equal_strings()
    {
        var first = new List<KeyValuePair<string, string>> { new("Cache-Control", new string("max-age=60")), new("X-A", "1"), new("X-A", "2"), new("X-Empty", "") };
        var second = new List<KeyValuePair<string, string>> { new("Cache-Control", new string("max-age=60")), new(new string("X-A"), "1") };

        var a = StoredLines.Compact(first);
        var b = StoredLines.Compact(second);

        Assert.Equal(first, a);
        Assert.Equal(second, b);
        Assert.Same(a[0].Value, b[0].Value);
        Assert.Same(a[1].Key, b[1].Key);
    }

    [Fact]
    public void Targets_are_shared_only_when_equal()
    {
        var parsed = ResponseFields.Parse(200, [new("Content-Type", "text/plain"), new("ETag", "\"x\""), new("Age", "3")], TestClock.Received);
        var same = ResponseFields.Parse(200, [new("Content-Type", "text/html"), new("ETag", "\"y\""), new("Age", "1")], TestClock.Received);
        var other = ResponseFields.Parse(200, [new("ETag", "\"y\""), new("Content-Type", "text/html")], TestClock.Received);

        Assert.Equal([HeaderTarget.Content, HeaderTarget.Response, HeaderTarget.Skip], parsed.Targets);
        Assert.Same(parsed.Targets, same.Targets);
        Assert.Equal([HeaderTarget.Response, HeaderTarget.Content], other.Targets);
    }

    [Fact]
    public void Dates_and_length_read_back_as_parsed()
    {
        var parsed = ResponseFields.Parse(200, [new("Date", "Sun, 06 Nov 1994 08:49:37 GMT"), new("Expires", "0"), new("Content-Length", "12")], TestClock.Received);
        var bare = ResponseFields.Parse(200, [], TestClock.Received);

        Assert.Equal(new DateTimeOffset(1994, 11, 6, 8, 49, 37, TimeSpan.Zero), parsed.Date);
        Assert.True(parsed.HasExpires);
        Assert.Null(parsed.Expires);
        Assert.Equal(12, parsed.ContentLength);
        Assert.Null(bare.Date);
        Assert.Null(bare.LastModified);
        Assert.Null(bare.ContentLength);
    }
}
