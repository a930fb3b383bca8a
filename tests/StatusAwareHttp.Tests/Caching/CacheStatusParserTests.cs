using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// Reading our member of <c>Cache-Status</c> (RFC 9211 §2) as a Structured Field list (RFC 8941 §4.2): one table per
/// parameter, then the list rules (which member is ours, what fails the whole line).
/// </summary>
public sealed class CacheStatusParserTests
{
    private const string Ours = "StatusAwareHttp";

    private static HttpCacheStatus? Parse(string line, string name = Ours) => CacheStatusParser.ParseLast(line, n => n == name);

    private static HttpCacheStatus Ok(string line) => Assert.IsType<HttpCacheStatus>(Parse(line));

    [Theory] // §2.1 hit: a boolean; a bare key is true, ?0 is false, another type reads as absent.
    [InlineData("StatusAwareHttp; hit", true)]
    [InlineData("StatusAwareHttp; hit=?1", true)]
    [InlineData("StatusAwareHttp; hit=?0", false)]
    [InlineData("StatusAwareHttp; hit=1", false)]
    [InlineData("StatusAwareHttp; hit=\"yes\"", false)]
    [InlineData("StatusAwareHttp; fwd=uri-miss", false)]
    public void Hit(string line, bool hit)
    {
        var status = Ok(line);
        Assert.Equal(hit, status.Hit);
        Assert.Equal(line.EndsWith("uri-miss", StringComparison.Ordinal), status.Forwarded);
    }

    [Theory] // §2.2 fwd: a token, one of eight values; another token is Other; a string reads as absent.
    [InlineData("bypass", HttpCacheForwardReason.Bypass)]
    [InlineData("method", HttpCacheForwardReason.Method)]
    [InlineData("uri-miss", HttpCacheForwardReason.UriMiss)]
    [InlineData("vary-miss", HttpCacheForwardReason.VaryMiss)]
    [InlineData("miss", HttpCacheForwardReason.Miss)]
    [InlineData("request", HttpCacheForwardReason.Request)]
    [InlineData("stale", HttpCacheForwardReason.Stale)]
    [InlineData("partial", HttpCacheForwardReason.Partial)]
    [InlineData("Stale", HttpCacheForwardReason.Other)]
    [InlineData("prefetch", HttpCacheForwardReason.Other)]
    [InlineData("\"stale\"", HttpCacheForwardReason.None)]
    [InlineData("?1", HttpCacheForwardReason.None)]
    public void Forward_reason(string value, HttpCacheForwardReason reason)
    {
        var status = Ok("StatusAwareHttp; fwd=" + value);
        Assert.Equal(reason, status.ForwardReason);
        Assert.Equal(reason != HttpCacheForwardReason.None, status.Forwarded);
        Assert.False(status.Hit);
    }

    [Theory] // §2.3 fwd-status: an integer; only a three-digit status is kept.
    [InlineData("200", 200)]
    [InlineData("304", 304)]
    [InlineData("999", 999)]
    [InlineData("100", 100)]
    [InlineData("99", null)]
    [InlineData("1000", null)]
    [InlineData("-200", null)]
    [InlineData("200.0", null)]
    [InlineData("\"200\"", null)]
    public void Forward_status(string value, int? expected) =>
        Assert.Equal(expected, Ok("StatusAwareHttp; fwd=stale; fwd-status=" + value).ForwardStatus);

    [Theory] // §2.4 ttl: an integer of seconds, negative when stale; beyond TimeSpan, held to its range.
    [InlineData("42", 42L)]
    [InlineData("0", 0L)]
    [InlineData("-5", -5L)]
    [InlineData("86400", 86400L)]
    [InlineData("999999999999999", long.MaxValue)]
    [InlineData("-999999999999999", long.MinValue)]
    [InlineData("1.5", null)]
    [InlineData("\"42\"", null)]
    [InlineData("?1", null)]
    public void Time_to_live(string value, long? seconds)
    {
        TimeSpan? expected = seconds switch
        {
            null => null,
            long.MaxValue => TimeSpan.MaxValue,
            long.MinValue => TimeSpan.MinValue,
            { } s => TimeSpan.FromSeconds(s),
        };
        Assert.Equal(expected, Ok("StatusAwareHttp; hit; ttl=" + value).TimeToLive);
    }

    [Theory] // §2.5 stored and §2.6 collapsed: booleans.
    [InlineData("stored", true, false)]
    [InlineData("stored=?0", false, false)]
    [InlineData("collapsed", false, true)]
    [InlineData("stored; collapsed", true, true)]
    [InlineData("collapsed=?1; stored=?1", true, true)]
    [InlineData("collapsed=\"yes\"", false, false)]
    public void Stored_and_collapsed(string parameters, bool stored, bool collapsed)
    {
        var status = Ok("StatusAwareHttp; fwd=uri-miss; fwd-status=200; " + parameters);
        Assert.Equal(stored, status.Stored);
        Assert.Equal(collapsed, status.Collapsed);
    }

    [Theory] // §2.7 key: a string, unescaped; another type reads as absent.
    [InlineData("\"https://example.org/a\"", "https://example.org/a")]
    [InlineData("\"a \\\"quoted\\\" \\\\ key\"", "a \"quoted\" \\ key")]
    [InlineData("\"\"", "")]
    [InlineData("token", null)]
    [InlineData("12", null)]
    public void Key(string value, string? key) => Assert.Equal(key, Ok("StatusAwareHttp; fwd=miss; key=" + value).Key);

    [Theory] // §2.8 detail: a string or a token.
    [InlineData("stale-if-error", "stale-if-error")]
    [InlineData("too-large", "too-large")]
    [InlineData("\"free text, with; separators\"", "free text, with; separators")]
    [InlineData("12", null)]
    [InlineData(":AAEC:", null)]
    public void Detail(string value, string? detail) => Assert.Equal(detail, Ok("StatusAwareHttp; fwd=stale; fwd-status=503; detail=" + value).Detail);

    [Theory] // A parameter given twice keeps its last value (RFC 8941 §4.2.3.2); unknown parameters are ignored.
    [InlineData("StatusAwareHttp; ttl=1; ttl=2", 2)]
    [InlineData("StatusAwareHttp; ttl=1; x-ours=\"y\"; ttl=3; *star=?0; a.b_c-d=1.25", 3)]
    public void Repeated_and_unknown_parameters(string line, int ttl) => Assert.Equal(TimeSpan.FromSeconds(ttl), Ok(line).TimeToLive);

    [Fact]
    public void Everything_at_once()
    {
        var status = Ok("StatusAwareHttp; fwd=stale; fwd-status=304; ttl=-3; stored; collapsed; key=\"k\"; detail=no-cache");
        Assert.Equal(
            new HttpCacheStatus
            {
                CacheName = Ours,
                ForwardReason = HttpCacheForwardReason.Stale,
                ForwardStatus = 304,
                TimeToLive = TimeSpan.FromSeconds(-3),
                Stored = true,
                Collapsed = true,
                Key = "k",
                Detail = "no-cache",
            },
            status);
    }

    [Theory] // Our member is the last one of the line, named by a token or a string that is ours.
    [InlineData("CDN; fwd=uri-miss; fwd-status=200, StatusAwareHttp; hit; ttl=5", true)]
    [InlineData("StatusAwareHttp; hit; ttl=5,CDN; hit", false)]
    [InlineData("StatusAwareHttp; hit; ttl=5 ,\tCDN; hit", false)]
    [InlineData("CDN; hit", false)]
    [InlineData("\"StatusAwareHttp\"; hit; ttl=5", true)]
    [InlineData("statusawarehttp; hit; ttl=5", false)]
    [InlineData("(StatusAwareHttp); hit", false)]
    [InlineData("(a b;x=1 \"c\"), StatusAwareHttp; hit; ttl=5", true)]
    [InlineData("42; hit", false)]
    [InlineData("  StatusAwareHttp; hit; ttl=5  ", true)]
    public void Only_the_last_member_and_only_when_ours(string line, bool ours) => Assert.Equal(ours, Parse(line) is { Hit: true });

    [Fact]
    public void A_cache_named_with_a_string_reads_back_unescaped()
    {
        var status = Parse("\"my \\\"cache\\\"\"; hit; ttl=1", "my \"cache\"");
        Assert.Equal("my \"cache\"", Assert.IsType<HttpCacheStatus>(status).CacheName);
    }

    [Theory] // A line that is not a valid list is no member at all (RFC 8941 §4.2), even when ours is last.
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("StatusAwareHttp; hit,")]
    [InlineData("StatusAwareHttp; hit,,")]
    [InlineData(", StatusAwareHttp; hit")]
    [InlineData("CDN; detail=\"unterminated, StatusAwareHttp; hit")]
    [InlineData("CDN; detail=\"bad \\x escape\", StatusAwareHttp; hit")]
    [InlineData("CDN; Upper=1, StatusAwareHttp; hit")]
    [InlineData("CDN; ttl=1234567890123456, StatusAwareHttp; hit")]
    [InlineData("CDN; ttl=1.2345, StatusAwareHttp; hit")]
    [InlineData("CDN; ttl=1., StatusAwareHttp; hit")]
    [InlineData("CDN; ttl=1234567890123.5, StatusAwareHttp; hit")]
    [InlineData("CDN; b=?2, StatusAwareHttp; hit")]
    [InlineData("CDN; b=:ab!:, StatusAwareHttp; hit")]
    [InlineData("CDN; d=@1.5, StatusAwareHttp; hit")]
    [InlineData("CDN; s=%\"%C3\", StatusAwareHttp; hit")]
    [InlineData("(a b, StatusAwareHttp; hit")]
    [InlineData("(a,b), StatusAwareHttp; hit")]
    [InlineData("StatusAwareHttp; hit; ttl=5 x")]
    [InlineData("StatusAwareHttp; hit; ttl=-")]
    [InlineData("StatusAwareHttp; hit; ttl=")]
    [InlineData("StatusAwareHttp;")]
    [InlineData("StatusAwareHttp\u00e9; hit")]
    [InlineData("\tStatusAwareHttp; hit")]
    public void An_invalid_line_is_no_member(string line) => Assert.Null(Parse(line));

    [Theory] // Items of every kind are read (and passed over) on the way to ours.
    [InlineData("CDN; i=-12; d=3.125; s=\"x\"; t=a:b/c; b=:AQID+/==:; bo=?0; dt=@1659578233; ds=%\"caf%c3%a9\", StatusAwareHttp; hit")]
    [InlineData("(\"a\" b;q=1 c);p=?1, StatusAwareHttp; hit")]
    [InlineData("()  , StatusAwareHttp; hit")]
    [InlineData("*star/token:x, StatusAwareHttp; hit")]
    public void Every_item_kind_passes(string line) => Assert.True(Parse(line) is { Hit: true });

    [Theory] // What this library writes reads back as it was written.
    [InlineData("uri-miss", HttpCacheForwardReason.UriMiss, 200, 600L, null, false)]
    [InlineData("stale", HttpCacheForwardReason.Stale, 304, -2L, "no-cache", false)]
    [InlineData("request", HttpCacheForwardReason.Request, 503, null, "stale-if-error", false)]
    [InlineData("vary-miss", HttpCacheForwardReason.VaryMiss, 200, null, null, true)]
    public void What_the_cache_writes_reads_back(string reason, HttpCacheForwardReason expected, int status, long? ttl, string? detail, bool collapsed)
    {
        var writer = new CacheStatus("StatusAwareHttp");
        TimeSpan? timeToLive = ttl is { } s ? TimeSpan.FromSeconds(s) : null;
        var read = Ok(writer.Forward(reason, status, timeToLive, collapsed: collapsed, detail: detail));
        Assert.Equal(expected, read.ForwardReason);
        Assert.Equal(status, read.ForwardStatus);
        Assert.Equal(timeToLive, read.TimeToLive);
        Assert.Equal(detail, read.Detail);
        Assert.Equal(collapsed, read.Collapsed);

        var hit = Ok(writer.Hit(TimeSpan.FromSeconds(-7.5)));
        Assert.True(hit.Hit);
        Assert.Equal(TimeSpan.FromSeconds(-8), hit.TimeToLive);
        Assert.Equal(HttpCacheForwardReason.None, Ok(writer.Detail("only-if-cached")).ForwardReason);
    }
}
