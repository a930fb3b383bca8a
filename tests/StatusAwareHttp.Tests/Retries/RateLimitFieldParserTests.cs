using System.Net;
using StatusAwareHttp.Retries.Internal.RateLimit;

namespace StatusAwareHttp.Tests.Retries;

/// <summary>The RateLimit and RateLimit-Policy fields as Structured Field Lists (draft-ietf-httpapi-ratelimit-headers-11 §3, §4; RFC 9651).</summary>
public sealed class RateLimitFieldParserTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("\"default\";r=50;t=30", "default:50:30:False")]                                 // §4 example
    [InlineData("\"default\";r=999;pk=:dHJpYWwxMjEzMjM=:", "default:999::True")]                 // §4.2: no window
    [InlineData("\"default\";r=300000000;t=60;pk=:QXBwLTk5OQ==:", "default:300000000:60:True")]  // §4.2
    [InlineData("\"a\";r=0;t=2, \"b\";r=7", "a:0:2:False|b:7::False")]                           // a List of two items
    [InlineData("  \"a\";r=1;t=2  ", "a:1:2:False")]                                             // SP around the value
    [InlineData("\"a\";r=1;t=2;acme-burst=5;x", "a:1:2:False")]                                  // other parameters are comments (§4.1)
    [InlineData("\"a\";r=1;r=3", "a:3::False")]                                                  // RFC 9651 §4.2.3.2: the last wins
    [InlineData("\"a\";r=0;t=999999999999999", "a:0:315360000:False")]                           // a huge t is clamped, never an overflow
    [InlineData("", "")]                                                                         // empty: nothing
    public void Valid_RateLimit_fields_give_their_items(string field, string expected)
    {
        var limits = new List<ServiceLimit>();
        Assert.True(RateLimitFieldParser.TryParseLimits([field], limits));
        Assert.Equal(expected, string.Join("|", limits.Select(l => $"{l.Policy}:{l.Remaining}:{l.ResetSeconds}:{l.Partitioned}")));
    }

    [Theory]
    [InlineData("default;r=5")]            // §4.1: the item is a String, not a Token
    [InlineData("\"a\";t=5")]              // §4.1: r is REQUIRED
    [InlineData("\"a\";r=-1")]             // §4.1.1: non-negative
    [InlineData("\"a\";r=1.5")]            // §4.1.1: an Integer
    [InlineData("\"a\";r=\"5\"")]
    [InlineData("\"a\";r=5;t=-1")]         // §4.1.2: non-negative
    [InlineData("\"a\";r=5;t=?1")]
    [InlineData("\"a\";r=5;pk=abc")]       // §4.1.3: a Byte Sequence
    [InlineData("\"a\";r=5,")]             // RFC 9651 §4.2.1: trailing comma
    [InlineData("\"a\";r=5 \"b\";r=1")]    // members need a comma
    [InlineData("(\"a\");r=5")]            // never an inner list
    [InlineData("\"a;r=5")]                // unterminated string
    [InlineData("\"a\";R=5")]              // keys are lower case
    [InlineData("\"a\";r=1234567890123456")] // RFC 9651 §4.2.4: at most 15 digits
    public void Malformed_RateLimit_fields_are_ignored_as_a_whole(string field)
    {
        var limits = new List<ServiceLimit> { new("before", 1, null, false) };
        Assert.False(RateLimitFieldParser.TryParseLimits([field], limits));
        Assert.Single(limits); // nothing of the malformed field is kept
    }

    [Fact]
    public void A_list_split_over_two_lines_is_one_list_and_one_bad_line_spoils_the_field()
    {
        var limits = new List<ServiceLimit>();
        Assert.True(RateLimitFieldParser.TryParseLimits(["\"a\";r=1", "\"b\";r=2;t=3"], limits));
        Assert.Equal(["a", "b"], limits.Select(l => l.Policy));

        limits.Clear();
        Assert.False(RateLimitFieldParser.TryParseLimits(["\"a\";r=1", "\"b\";t=3"], limits));
        Assert.Empty(limits);
    }

    [Theory]
    [InlineData("\"burst\";q=100;w=60,\"daily\";q=1000;w=86400", "burst:100:60:False|daily:1000:86400:False")] // §3 example
    [InlineData("\"peruser\";q=100;w=60;pk=:cHsdsRa894==:", "peruser:100:60:True")]                           // §3.2
    [InlineData("\"peruser\";q=65535;qu=\"content-bytes\";w=10;pk=:sdfjLJUOUH==:", "peruser:65535:10:True")]  // §3.2
    [InlineData("\"default\";q=100", "default:100::False")]                                                   // w is OPTIONAL
    public void Valid_RateLimit_Policy_fields_give_their_items(string field, string expected)
    {
        var policies = new List<QuotaPolicy>();
        Assert.True(RateLimitFieldParser.TryParsePolicies([field], policies));
        Assert.Equal(expected, string.Join("|", policies.Select(p => $"{p.Name}:{p.Quota}:{p.WindowSeconds}:{p.Partitioned}")));
    }

    [Theory]
    [InlineData("\"a\";w=10")]       // §3.1: q is REQUIRED
    [InlineData("\"a\";q=10;w=0")]   // §3.1.3: w is non-zero
    [InlineData("\"a\";q=-3")]       // §3.1.1: non-negative
    [InlineData("a;q=3")]            // §3: the item is a String
    public void Malformed_RateLimit_Policy_fields_are_ignored(string field)
    {
        var policies = new List<QuotaPolicy>();
        Assert.False(RateLimitFieldParser.TryParsePolicies([field], policies));
        Assert.Empty(policies);
    }

    [Theory]
    [InlineData(XRateLimitReset.SecondsToGo, "30", 30)]
    [InlineData(XRateLimitReset.UnixTime, "1795694430", 30)]   // s_now is 1795694400
    [InlineData(XRateLimitReset.UnixTime, "1795694000", 0)]    // a time in the past: reset now
    public void X_RateLimit_Reset_is_read_as_the_app_names_it(XRateLimitReset reading, string reset, int seconds)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("X-RateLimit-Limit", "60");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", "0");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Reset", reset);

        var result = QuotaFieldReader.Read(response, reading, s_now);

        Assert.Equal(QuotaReadingKind.Read, result.Kind);
        var report = Assert.Single(result.Reports);
        Assert.Equal((0L, 60L, TimeSpan.FromSeconds(seconds)), (report.Remaining, report.Quota!.Value, report.ResetIn!.Value));
        Assert.Equal(QuotaReadingKind.None, QuotaFieldReader.Read(response, XRateLimitReset.Ignored, s_now).Kind);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("1e3")]
    [InlineData("")]
    public void A_malformed_X_RateLimit_field_is_ignored(string remaining)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", remaining);
        Assert.Equal(QuotaReadingKind.Malformed, QuotaFieldReader.Read(response, XRateLimitReset.SecondsToGo, s_now).Kind);
    }

    [Fact]
    public void Fields_of_an_aged_response_are_ignored_but_a_Date_a_second_behind_is_not_age()
    {
        using var aged = new HttpResponseMessage(HttpStatusCode.OK);
        aged.Headers.TryAddWithoutValidation("RateLimit", "\"a\";r=0;t=5");
        aged.Headers.Age = TimeSpan.FromSeconds(1);
        Assert.Equal(QuotaReadingKind.Aged, QuotaFieldReader.Read(aged, XRateLimitReset.Ignored, s_now).Kind);

        using var fresh = new HttpResponseMessage(HttpStatusCode.OK);
        fresh.Headers.TryAddWithoutValidation("RateLimit", "\"a\";r=0;t=5");
        fresh.Headers.Age = TimeSpan.Zero;
        fresh.Headers.Date = s_now.AddSeconds(-1);
        Assert.Equal(QuotaReadingKind.Read, QuotaFieldReader.Read(fresh, XRateLimitReset.Ignored, s_now).Kind);
    }

    [Fact]
    public void The_policy_gives_a_limit_its_size_and_window_and_a_bad_policy_only_drops_them()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("RateLimit", "\"burst\";r=3;t=2");
        response.Headers.TryAddWithoutValidation("RateLimit-Policy", "\"burst\";q=5;w=2");
        var report = Assert.Single(QuotaFieldReader.Read(response, XRateLimitReset.Ignored, s_now).Reports);
        Assert.Equal((5L, TimeSpan.FromSeconds(2)), (report.Quota!.Value, report.Window!.Value));

        response.Headers.Remove("RateLimit-Policy");
        response.Headers.TryAddWithoutValidation("RateLimit-Policy", "\"burst\";w=2");
        report = Assert.Single(QuotaFieldReader.Read(response, XRateLimitReset.Ignored, s_now).Reports);
        Assert.Null(report.Quota);
    }
}
