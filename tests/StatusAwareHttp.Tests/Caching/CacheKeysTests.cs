using System.Net.Http.Headers;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Tests.Internal;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>Keys (RFC 9111 §2, §4.1), credential partitioning, Vary normalisation, and header handling (§3.1, §3.2, §5.4).</summary>
public class CacheKeysTests
{
    private static readonly Uri s_uri = new("http://example.org/a/b?x=1&y=2");

    [Fact]
    public void Key_is_method_and_uri_with_query_without_fragment()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://EXAMPLE.org:80/a/b?x=1&y=2#frag");
        Assert.Equal("GET http://example.org/a/b?x=1&y=2", CacheKeys.ForGet(request.RequestUri!, request.Headers));
        Assert.NotEqual(CacheKeys.ForGet(new Uri("http://example.org/a/b?x=1"), request.Headers), CacheKeys.ForGet(s_uri, request.Headers));
    }

    [Theory]
    [InlineData("Authorization", "Bearer secret-token-alice")]
    [InlineData("Cookie", "session=secret-cookie-alice")]
    [InlineData("Proxy-Authorization", "Basic c2VjcmV0")]
    public void Credentials_partition_the_key_by_hash_never_by_value(string header, string value)
    {
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, s_uri);
        using var alice = Request(header, value);
        using var aliceAgain = Request(header, value);
        using var bob = Request(header, value + "-bob");

        var aliceKey = CacheKeys.ForGet(s_uri, alice.Headers);
        Assert.DoesNotContain(value, aliceKey, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", aliceKey, StringComparison.Ordinal);
        Assert.Equal(aliceKey, CacheKeys.ForGet(s_uri, aliceAgain.Headers));
        Assert.NotEqual(aliceKey, CacheKeys.ForGet(s_uri, bob.Headers));
        Assert.NotEqual(aliceKey, CacheKeys.ForGet(s_uri, anonymous.Headers));
        Assert.StartsWith(CacheKeys.ForGet(s_uri, anonymous.Headers) + " ", aliceKey, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalidation_covers_the_partition_and_the_anonymous_key()
    {
        using var alice = Request("Authorization", "Bearer a");
        var (partition, anonymous) = CacheKeys.ForInvalidation(s_uri, alice.Headers);
        Assert.Equal(CacheKeys.ForGet(s_uri, alice.Headers), partition);
        Assert.Equal("GET " + s_uri.AbsoluteUri, anonymous);

        using var nobody = new HttpRequestMessage(HttpMethod.Get, s_uri);
        Assert.Null(CacheKeys.ForInvalidation(s_uri, nobody.Headers).Anonymous);
    }

    // §4.1: Vary values are compared after normalisation.
    [Theory]
    [InlineData("Accept-Language", "en, fr", "en,fr", true)] // whitespace around list members
    [InlineData("Accept-Language", "EN", "en", true)] // case-insensitive field
    [InlineData("Accept-Encoding", "gzip,  br", "GZIP, br", true)]
    [InlineData("Accept", "text/html", "TEXT/HTML", false)] // values are otherwise compared as they are
    [InlineData("Accept-Language", "en", "fr", false)]
    [InlineData("X-Tenant", "a", "a", true)]
    public void Vary_values_are_normalised(string name, string stored, string presented, bool matches)
    {
        using var first = Request(name, stored);
        using var second = Request(name, presented);
        var values = CacheVary.Values([name], RequestSnapshot.Take(first.Headers));
        Assert.Equal(matches, CacheVary.Matches(values, second.Headers));
    }

    [Fact]
    public void Vary_on_an_absent_field_matches_only_its_absence()
    {
        using var without = new HttpRequestMessage(HttpMethod.Get, s_uri);
        using var with = Request("Accept-Language", "en");
        var values = CacheVary.Values(["Accept-Language"], RequestSnapshot.Take(without.Headers));
        Assert.Null(values[0].Value);
        Assert.True(CacheVary.Matches(values, without.Headers));
        Assert.False(CacheVary.Matches(values, with.Headers));
    }

    [Fact]
    public void Vary_on_a_credential_stores_its_hash()
    {
        using var alice = Request("Authorization", "Bearer alice");
        using var bob = Request("Authorization", "Bearer bob");
        var values = CacheVary.Values(["Authorization"], RequestSnapshot.Take(alice.Headers));
        Assert.StartsWith("sha256:", values[0].Value, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", values[0].Value, StringComparison.Ordinal);
        Assert.True(CacheVary.Matches(values, alice.Headers));
        Assert.False(CacheVary.Matches(values, bob.Headers));
    }

    [Fact]
    public void Snapshot_keeps_the_values_from_before_the_request_was_sent()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, s_uri);
        var snapshot = RequestSnapshot.Take(request.Headers);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        Assert.Null(CacheVary.Values(["Accept-Encoding"], snapshot)[0].Value);
    }

    // §5.2.1 with §5.4: Pragma: no-cache counts only without Cache-Control.
    [Theory]
    [InlineData(null, "no-cache", true)]
    [InlineData("max-age=5", "no-cache", false)]
    [InlineData(null, "x, no-cache", true)]
    [InlineData(null, "nocache", false)]
    public void Pragma_no_cache_is_honoured_without_cache_control(string? cacheControl, string pragma, bool noCache)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, s_uri);
        if (cacheControl is not null)
        {
            request.Headers.TryAddWithoutValidation("Cache-Control", cacheControl);
        }

        request.Headers.TryAddWithoutValidation("Pragma", pragma);
        Assert.Equal(noCache, CacheHeaders.ReadRequestDirectives(request.Headers).NoCache);
    }

    [Theory]
    [InlineData("If-None-Match", "\"a\"")]
    [InlineData("If-Modified-Since", "Wed, 01 Jan 2025 00:00:00 GMT")]
    [InlineData("If-Match", "\"a\"")]
    [InlineData("If-Unmodified-Since", "Wed, 01 Jan 2025 00:00:00 GMT")]
    [InlineData("If-Range", "\"a\"")]
    [InlineData("Range", "bytes=0-1")]
    public void A_conditional_or_range_request_is_the_callers_own(string header, string value)
    {
        using var request = Request(header, value);
        Assert.True(CacheHeaders.IsConditionalOrRange(request.Headers));
    }

    // §3.1: hop-by-hop fields are not stored; RFC 9110 §6.6.1: a Date is added when there is none.
    [Fact]
    public void Capture_drops_hop_by_hop_fields_and_adds_a_date()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("x") };
        response.Headers.TryAddWithoutValidation("Connection", "keep-alive, X-Hop");
        response.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        response.Headers.TryAddWithoutValidation("Upgrade", "h2c");
        response.Headers.TryAddWithoutValidation("Proxy-Connection", "keep-alive");
        response.Headers.TryAddWithoutValidation("TE", "trailers");
        response.Headers.TryAddWithoutValidation("X-Hop", "1");
        response.Headers.TryAddWithoutValidation("X-Keep", "spaced ,value  x");
        response.Headers.TransferEncodingChunked = true;
        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var lines = CacheHeaders.Capture(response, now);

        var names = lines.Select(l => l.Key).ToList();
        Assert.DoesNotContain(names, n => n is "Connection" or "Keep-Alive" or "Upgrade" or "Proxy-Connection" or "TE" or "Transfer-Encoding" or "X-Hop");
        Assert.Contains(new KeyValuePair<string, string>("X-Keep", "spaced ,value  x"), lines);
        Assert.Contains(new KeyValuePair<string, string>("Date", "Wed, 01 Jan 2025 00:00:00 GMT"), lines);
        Assert.Contains(lines, l => l.Key == "Content-Type");
    }

    // §3.2: updating stored headers from a 304.
    [Fact]
    public void Merge_replaces_updated_fields_but_not_the_body_framing()
    {
        var stored = CacheStrategyTests.Lines("Content-Length: 5|ETag: \"a\"|X-A: 1|X-A: 2|X-B: keep|Content-Encoding: gzip");
        var update = CacheStrategyTests.Lines("X-A: 3|Content-Length: 0|Content-Encoding: br|Cache-Control: max-age=9");
        var merged = CacheHeaders.Merge(stored, update);
        Assert.Equal(
            ["Content-Length: 5", "ETag: \"a\"", "X-B: keep", "Content-Encoding: gzip", "X-A: 3", "Cache-Control: max-age=9"],
            merged.Select(l => $"{l.Key}: {l.Value}"));
    }

    [Theory]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT")] // IMF-fixdate
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT")] // obsolete RFC 850 format
    [InlineData("Sun Nov  6 08:49:37 1994")] // ANSI C asctime() format
    public void Http_dates_in_all_three_formats(string value)
    {
        Assert.True(HttpDate.TryParse(value, TestClock.Received, out var date));
        Assert.Equal(new DateTimeOffset(1994, 11, 6, 8, 49, 37, TimeSpan.Zero), date);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("yesterday")]
    [InlineData("")]
    public void Invalid_http_dates_are_rejected(string value) => Assert.False(HttpDate.TryParse(value, TestClock.Received, out _));

    private static HttpRequestMessage Request(string header, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, s_uri);
        request.Headers.TryAddWithoutValidation(header, value);
        return request;
    }
}
