using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Internal;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// The pure cache strategy, one row per RFC rule, on fixed times from a <see cref="FakeTimeProvider"/>.
/// Header lines are written "Name: value", separated by '|'; {D}, {D+N}, {D-N} stand for the response's Date plus or
/// minus N seconds, as an IMF-fixdate.
/// </summary>
public partial class CacheStrategyTests
{
    private static readonly FakeTimeProvider s_time = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private static readonly DateTimeOffset s_date = s_time.GetUtcNow();
    private static readonly HeuristicSettings s_heuristic = HeuristicSettings.From(new CacheOptions());

    // §3: what may be stored.
    [Theory]
    [InlineData(200, "Cache-Control: max-age=60", "", "None")] // explicit freshness
    [InlineData(200, "", "", "Useless")] // heuristically cacheable, but never fresh and no validator
    [InlineData(200, "ETag: \"a\"", "", "None")] // §4.2.2 status cacheable by default, with a validator
    [InlineData(200, "Last-Modified: {D-86400}", "", "None")] // heuristic freshness
    [InlineData(203, "ETag: \"a\"", "", "None")]
    [InlineData(204, "ETag: \"a\"", "", "None")]
    [InlineData(300, "ETag: \"a\"", "", "None")]
    [InlineData(301, "ETag: \"a\"", "", "None")]
    [InlineData(308, "ETag: \"a\"", "", "None")]
    [InlineData(404, "ETag: \"a\"", "", "None")]
    [InlineData(405, "ETag: \"a\"", "", "None")]
    [InlineData(410, "ETag: \"a\"", "", "None")]
    [InlineData(414, "ETag: \"a\"", "", "None")]
    [InlineData(501, "ETag: \"a\"", "", "None")]
    [InlineData(302, "ETag: \"a\"", "", "NotCacheable")] // not cacheable by default
    [InlineData(307, "ETag: \"a\"", "", "NotCacheable")]
    [InlineData(403, "ETag: \"a\"", "", "NotCacheable")]
    [InlineData(500, "ETag: \"a\"", "", "NotCacheable")]
    [InlineData(302, "Cache-Control: max-age=60", "", "None")] // explicit freshness makes any final status storable
    [InlineData(500, "Cache-Control: max-age=60", "", "None")]
    [InlineData(302, "Expires: {D+60}", "", "None")]
    [InlineData(302, "Cache-Control: s-maxage=60", "", "NotCacheable")] // §5.2.2.10: s-maxage is for shared caches
    [InlineData(302, "Expires: 0", "", "Useless")] // §5.3: explicit, but already expired and no validator
    [InlineData(200, "Cache-Control: private", "", "Useless")]
    [InlineData(200, "Cache-Control: private, max-age=60", "", "None")] // §5.2.2.7: a private cache may store it
    [InlineData(200, "Cache-Control: public|ETag: \"a\"", "", "None")]
    [InlineData(206, "Cache-Control: max-age=60|Content-Range: bytes 0-1/10", "", "PartialContent")] // §3.4: no partial storage
    [InlineData(304, "Cache-Control: max-age=60", "", "Status")] // §4.3.4: 304 only updates
    [InlineData(200, "Cache-Control: no-store, max-age=60", "", "NoStoreResponse")] // §5.2.2.5
    [InlineData(200, "Cache-Control: max-age=60", "no-store", "NoStoreRequest")] // §5.2.1.5
    [InlineData(200, "Cache-Control: no-store, must-understand, max-age=60", "", "None")] // §5.2.2.3: understood status
    [InlineData(599, "Cache-Control: no-store, must-understand, max-age=60", "", "Status")] // §5.2.2.3: not understood
    [InlineData(200, "Cache-Control: max-age=60|Set-Cookie: id=1", "", "SetCookie")] // never replay a cookie to another user
    [InlineData(200, "Cache-Control: max-age=60|Vary: *", "", "VaryStar")] // §4.1: Vary: * never matches
    [InlineData(200, "Cache-Control: max-age=60|Vary: Accept, *", "", "VaryStar")]
    [InlineData(200, "Cache-Control: max-age=60|Vary: Accept", "", "None")]
    [InlineData(200, "Cache-Control: no-cache", "", "Useless")] // §5.2.2.4: must be validated, but cannot be
    [InlineData(200, "Cache-Control: no-cache|ETag: \"a\"", "", "None")]
    [InlineData(200, "Cache-Control: max-age=0, stale-if-error=60", "", "None")] // RFC 5861: usable stale
    [InlineData(200, "Cache-Control: max-age=abc", "", "Useless")] // §4.2.1: invalid means stale
    [InlineData(200, "Bad Name: x|Cache-Control: max-age=60", "", "Unreadable")]
    public void Storing(int status, string headers, string requestCacheControl, string expected)
    {
        var response = Response(status, headers);
        var lifetime = CacheStrategy.FreshnessLifetime(response, s_date, s_heuristic);
        Assert.Equal(Enum.Parse<StoreRefusal>(expected), CacheStrategy.CanStore(response, Request(requestCacheControl), lifetime));

        // The early answer (from the status and Cache-Control alone, on readable lines) never contradicts the full one.
        if (response.Unreadable is null)
        {
            var early = CacheStrategy.RefusalBeforeParsing(status, Request(requestCacheControl), response.CacheControl);
            Assert.True(early == StoreRefusal.None || early == Enum.Parse<StoreRefusal>(expected), $"early {early}, full {expected}");
        }
    }

    // The early refusal: only a response's no-store, and only where no earlier rule of CanStore could answer first.
    [Theory]
    [InlineData(200, "no-store", "", "NoStoreResponse")] // §5.2.2.5
    [InlineData(404, "no-store, max-age=60", "", "NoStoreResponse")]
    [InlineData(200, "max-age=60", "", "None")] // storable: the full parse decides
    [InlineData(200, "", "", "None")]
    [InlineData(206, "no-store", "", "None")] // §3.4 answers first
    [InlineData(304, "no-store", "", "None")] // §4.3.4 answers first
    [InlineData(100, "no-store", "", "None")] // §3: not final
    [InlineData(200, "no-store", "no-store", "None")] // §5.2.1.5: the request's no-store answers first
    [InlineData(200, "no-store, must-understand", "", "None")] // §5.2.2.3: must-understand needs the full parse
    public void Refusal_before_parsing(int status, string cacheControl, string requestCacheControl, string expected)
    {
        Assert.Equal(Enum.Parse<StoreRefusal>(expected), CacheStrategy.RefusalBeforeParsing(status, Request(requestCacheControl), Request(cacheControl)));
    }

    // §4.2.1 freshness lifetime, §4.2.2 heuristic freshness, §5.3 Expires.
    [Theory]
    [InlineData("Cache-Control: max-age=60", 60)]
    [InlineData("Cache-Control: max-age=60|Expires: {D+120}", 60)] // max-age wins over Expires
    [InlineData("Expires: {D+120}", 120)] // Expires minus Date
    [InlineData("Expires: {D-100}", 0)]
    [InlineData("Expires: 0", 0)] // §5.3: invalid date means already expired
    [InlineData("Expires: {D+120}|Expires: {D+240}", 0)] // §4.2.1: two different values are not trusted
    [InlineData("Cache-Control: max-age=abc|Expires: {D+120}", 0)] // §4.2.1: invalid freshness information is stale
    [InlineData("Cache-Control: max-age=30, max-age=60", 0)] // §4.2.1: conflicting duplicates
    [InlineData("Cache-Control: max-age=99999999999999999999", 2147483648)] // §1.2.2: 2^31
    [InlineData("Cache-Control: s-maxage=100", 0)] // a private cache ignores s-maxage
    [InlineData("Cache-Control: no-cache, max-age=60", 0)] // §5.2.2.4: most restrictive wins
    [InlineData("Last-Modified: {D-36000}", 3600)] // §4.2.2: 10% of the time since Last-Modified
    [InlineData("Last-Modified: {D-864000}", 86400)] // capped at MaxHeuristicFreshness (24 h)
    [InlineData("Last-Modified: {D+10}", 0)] // modified after Date: no heuristic
    [InlineData("Last-Modified: garbage", 0)]
    [InlineData("Expires: {D+120}|Last-Modified: {D-36000}", 120)] // no heuristic when an explicit time is present
    public void Freshness_lifetime(string headers, long expectedSeconds)
    {
        var response = Response(200, headers);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), CacheStrategy.FreshnessLifetime(response, s_date, s_heuristic));
    }

    [Fact]
    public void Expires_without_Date_counts_from_the_receive_time()
    {
        var response = ResponseFields.Parse(200, Lines($"Expires: {Http(s_date.AddSeconds(90))}"), TestClock.Received);
        Assert.Equal(TimeSpan.FromSeconds(90), CacheStrategy.FreshnessLifetime(response, s_date, s_heuristic));
    }

    [Fact]
    public void Heuristic_fraction_and_cap_come_from_the_options()
    {
        var response = Response(200, "Last-Modified: {D-36000}");
        Assert.Equal(TimeSpan.FromSeconds(18000), CacheStrategy.FreshnessLifetime(response, s_date, new HeuristicSettings(0.5, TimeSpan.FromDays(1))));
        Assert.Equal(TimeSpan.FromSeconds(60), CacheStrategy.FreshnessLifetime(response, s_date, new HeuristicSettings(0.5, TimeSpan.FromMinutes(1))));
        Assert.Equal(TimeSpan.Zero, CacheStrategy.FreshnessLifetime(response, s_date, new HeuristicSettings(0, TimeSpan.FromDays(1))));
    }

    // §4.2.3 age calculation. Times are seconds relative to Date: request sent, response received, now.
    [Theory]
    [InlineData("", 0, 0, 10, 10)] // resident time only
    [InlineData("Age: 30", 0, 0, 10, 40)] // corrected_age_value = age_value + response_delay
    [InlineData("Age: 30", -2, 0, 10, 42)] // response_delay counts
    [InlineData("", 0, 50, 60, 60)] // apparent_age = response_time - date_value (Date 50 s behind)
    [InlineData("Age: 10", 49, 50, 60, 60)] // corrected_initial_age = max(apparent_age, corrected_age_value)
    [InlineData("Age: 100", 49, 50, 60, 111)]
    [InlineData("Age: abc", 0, 0, 10, 10)] // §5.1: an invalid Age is ignored
    [InlineData("Age: 20, 40", 0, 0, 10, 30)] // §5.1: a list uses its first member
    [InlineData("Age: -5", 0, 0, 10, 10)]
    public void Current_age(string headers, int requestAt, int responseAt, int nowAt, long expectedSeconds)
    {
        var response = Response(200, headers);
        var age = CacheStrategy.CurrentAge(response, s_date.AddSeconds(requestAt), s_date.AddSeconds(responseAt), s_date.AddSeconds(nowAt));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), age);
    }

    [Fact]
    public void A_Date_in_the_future_gives_no_apparent_age()
    {
        var response = ResponseFields.Parse(200, Lines($"Date: {Http(s_date.AddSeconds(100))}"), TestClock.Received);
        Assert.Equal(TimeSpan.FromSeconds(10), CacheStrategy.CurrentAge(response, s_date, s_date, s_date.AddSeconds(10)));
    }

    // §4 reuse, §5.2.1 request directives, §5.2.2 response directives, RFC 5861 §3.
    [Theory]
    [InlineData("max-age=60", "", 10, "Fresh", "Stale")] // §4.2: fresh
    [InlineData("max-age=60", "", 60, "Revalidate", "Stale")] // fresh only while lifetime > age
    [InlineData("max-age=60", "max-stale=5", 61, "ServeStale", "Stale")] // §5.2.1.2
    [InlineData("max-age=60", "max-stale=5", 70, "Revalidate", "Stale")]
    [InlineData("max-age=60", "max-stale", 100000, "ServeStale", "Stale")] // any staleness
    [InlineData("max-age=60", "max-stale=abc", 61, "Revalidate", "Stale")]
    [InlineData("max-age=60, must-revalidate", "max-stale", 61, "Revalidate", "Stale")] // §5.2.2.2
    [InlineData("max-age=60", "max-age=5", 10, "Revalidate", "Request")] // §5.2.1.1
    [InlineData("max-age=60", "max-age=10", 10, "Fresh", "Stale")]
    [InlineData("max-age=60", "max-age=abc", 10, "Revalidate", "Request")] // invalid: most restrictive
    [InlineData("max-age=60", "min-fresh=55", 10, "Revalidate", "Request")] // §5.2.1.3
    [InlineData("max-age=60", "min-fresh=50", 10, "Fresh", "Stale")]
    [InlineData("max-age=60", "no-cache", 10, "Revalidate", "Request")] // §5.2.1.4
    [InlineData("no-cache, max-age=60", "", 0, "Revalidate", "Stale")] // §5.2.2.4
    [InlineData("max-age=60, stale-while-revalidate=30", "", 80, "StaleWhileRevalidate", "Stale")] // RFC 5861 §3
    [InlineData("max-age=60, stale-while-revalidate=30", "", 100, "Revalidate", "Stale")]
    [InlineData("max-age=60, stale-while-revalidate=30, must-revalidate", "", 80, "Revalidate", "Stale")] // §4.2.4
    [InlineData("max-age=60, stale-while-revalidate=30", "no-cache", 80, "Revalidate", "Request")]
    [InlineData("max-age=60, stale-while-revalidate=abc", "", 80, "Revalidate", "Stale")]
    [InlineData("max-age=60", "only-if-cached", 10, "Fresh", "Stale")] // §5.2.1.7 (the 504 is the handler's)
    public void Reuse(string responseCacheControl, string requestCacheControl, int ageSeconds, string action, string reason)
    {
        var entry = Entry(200, $"Cache-Control: {responseCacheControl}");
        var decision = CacheStrategy.Decide(entry, Request(requestCacheControl), s_date.AddSeconds(ageSeconds), s_heuristic);
        Assert.Equal(Enum.Parse<LookupAction>(action), decision.Action);
        if (decision.Action == LookupAction.Revalidate)
        {
            Assert.Equal(Enum.Parse<ForwardReason>(reason), decision.Reason);
        }

        Assert.Equal(TimeSpan.FromSeconds(ageSeconds), decision.Age);
    }

    // RFC 5861 §4 stale-if-error, limited by §4.2.4.
    [Theory]
    [InlineData("max-age=60, stale-if-error=60", "", 90, true)]
    [InlineData("max-age=60, stale-if-error=60", "", 121, false)] // past the window
    [InlineData("max-age=60", "", 61, false)] // no window
    [InlineData("max-age=60", "stale-if-error=60", 90, true)] // the request may grant it
    [InlineData("max-age=60, stale-if-error=10", "stale-if-error=60", 90, true)] // the longer window applies
    [InlineData("max-age=60, stale-if-error=60, must-revalidate", "", 90, false)] // §5.2.2.2
    [InlineData("no-cache, stale-if-error=60", "", 10, false)] // §5.2.2.4
    [InlineData("max-age=60, stale-if-error=60", "no-cache", 10, false)] // the caller demanded validation
    [InlineData("max-age=60, stale-if-error=60", "no-cache, stale-if-error=60", 10, true)]
    public void Stale_if_error(string responseCacheControl, string requestCacheControl, int ageSeconds, bool expected)
    {
        var entry = Entry(200, $"Cache-Control: {responseCacheControl}");
        var request = Request(requestCacheControl);
        var decision = CacheStrategy.Decide(entry, request, s_date.AddSeconds(ageSeconds), s_heuristic);
        Assert.Equal(expected, CacheStrategy.CanServeStaleOnError(entry.Parsed, request, decision));
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(501, false)]
    [InlineData(404, false)]
    [InlineData(429, false)]
    public void Stale_if_error_covers_500_502_503_504(int status, bool expected) => Assert.Equal(expected, CacheStrategy.IsStaleIfErrorStatus(status));

    // §4.3.4: which stored response a 304 selects.
    [Theory]
    [InlineData("ETag: \"a\"", "ETag: \"a\"", true)]
    [InlineData("ETag: \"a\"", "ETag: \"b\"", false)]
    [InlineData("ETag: \"a\"", "ETag: W/\"a\"", true)] // a weak validator by weak comparison
    [InlineData("ETag: W/\"a\"", "ETag: W/\"a\"", true)]
    [InlineData("ETag: W/\"a\"", "ETag: \"a\"", false)] // a strong validator by strong comparison
    [InlineData("ETag: a", "ETag: \"a\"", true)] // an unquoted ETag is tolerated
    [InlineData("ETag: \"a\"", "", true)] // no validator: the one response that was validated
    [InlineData("Last-Modified: {D-60}", "ETag: \"a\"", false)]
    [InlineData("Last-Modified: {D-60}", "Last-Modified: {D-60}", true)]
    [InlineData("Last-Modified: {D-60}", "Last-Modified: {D-30}", false)]
    public void Not_modified_selects(string stored, string notModified, bool expected) =>
        Assert.Equal(expected, CacheStrategy.NotModifiedSelects(Response(200, stored), Response(304, notModified)));

    // §4.3.5: freshening with HEAD.
    [Theory]
    [InlineData("ETag: \"a\"", "ETag: \"a\"", true)]
    [InlineData("ETag: \"a\"", "ETag: \"b\"", false)]
    [InlineData("ETag: \"a\"", "ETag: \"a\"|Content-Length: 5", true)] // the stored body is 5 bytes
    [InlineData("ETag: \"a\"", "ETag: \"a\"|Content-Length: 6", false)]
    [InlineData("Last-Modified: {D-60}", "Last-Modified: {D-30}", false)]
    [InlineData("ETag: \"a\"|Last-Modified: {D-60}", "ETag: \"a\"|Last-Modified: {D-60}", true)]
    [InlineData("ETag: \"a\"", "", true)] // no validator received: nothing disagrees
    public void Head_response_matches(string stored, string head, bool expected) =>
        Assert.Equal(expected, CacheStrategy.HeadResponseMatches(Response(200, stored), 5, Response(200, head)));

    // §4.4: invalidation by unsafe methods.
    [Theory]
    [InlineData("POST", 200, true)]
    [InlineData("POST", 201, true)]
    [InlineData("PUT", 204, true)]
    [InlineData("PATCH", 200, true)]
    [InlineData("DELETE", 200, true)]
    [InlineData("POST", 303, true)] // 3xx is not an error
    [InlineData("PURGE", 200, true)] // a method whose safety is unknown
    [InlineData("POST", 404, false)] // an error response invalidates nothing
    [InlineData("POST", 500, false)]
    [InlineData("GET", 200, false)]
    [InlineData("HEAD", 200, false)]
    [InlineData("OPTIONS", 200, false)]
    [InlineData("TRACE", 200, false)]
    public void Invalidation(string method, int status, bool expected) => Assert.Equal(expected, CacheStrategy.Invalidates(new HttpMethod(method), status));

    [Fact]
    public void Time_to_live_is_unbounded_with_a_validator_and_freshness_plus_stale_window_without()
    {
        var withValidator = Entry(200, "Cache-Control: max-age=60|ETag: \"a\"");
        var without = Entry(200, "Cache-Control: max-age=60, stale-if-error=30");
        Assert.Null(CacheStrategy.TimeToLive([withValidator], s_date, s_heuristic));
        Assert.Equal(TimeSpan.FromSeconds(90), CacheStrategy.TimeToLive([without], s_date, s_heuristic));
        Assert.Equal(TimeSpan.FromSeconds(80), CacheStrategy.TimeToLive([without], s_date.AddSeconds(10), s_heuristic));
    }

    internal static HttpCacheEntry Entry(int status, string headers, string body = "hello") =>
        new(status, Lines(Expand(headers, s_date) + "|Date: {D}".Replace("{D}", Http(s_date), StringComparison.Ordinal)), System.Text.Encoding.UTF8.GetBytes(body), s_date, s_date, []);

    internal static ResponseFields Response(int status, string headers) =>
        ResponseFields.Parse(status, Lines(Expand(headers, s_date) + "|Date: " + Http(s_date)), TestClock.Received);

    internal static CacheDirectives Request(string cacheControl)
    {
        var directives = CacheDirectives.Empty;
        if (cacheControl.Length > 0)
        {
            directives.ParseLine(cacheControl);
        }

        return directives;
    }

    internal static List<KeyValuePair<string, string>> Lines(string headers) =>
        headers.Split('|', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .Select(parts => new KeyValuePair<string, string>(parts[0].Trim(), parts[1].Trim()))
            .ToList();

    internal static string Http(DateTimeOffset time) => time.ToString("r", CultureInfo.InvariantCulture);

    private static string Expand(string headers, DateTimeOffset date) =>
        Placeholder().Replace(headers, m => Http(date.AddSeconds(m.Groups[1].Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0)));

    [GeneratedRegex(@"\{D([+-]\d+)?\}")]
    private static partial Regex Placeholder();
}
