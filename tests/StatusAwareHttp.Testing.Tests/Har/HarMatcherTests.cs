using System.Text;
using StatusAwareHttp.Testing.Har;

namespace StatusAwareHttp.Testing.Tests.Har;

/// <summary>The matcher's choices, as a table: which recorded exchange answers a request, and how an unmatched one is named.</summary>
public sealed class HarMatcherTests
{
    private static readonly DateTimeOffset s_start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The recording: entries named by their index in the table below.</summary>
    private static readonly HarExchange[] s_recording =
    [
        Exchange(0, "GET", "/items?page=2&sort=name", 200, etag: "\"a\""),
        Exchange(1, "GET", "/items?page=2&sort=name", 304, requestHeader: ("If-None-Match", "\"a\"")),
        Exchange(2, "GET", "/search?q=tea&access_token=REDACTED", 200),
        Exchange(3, "POST", "/orders", 201, body: "{\"id\":1}"),
        Exchange(4, "GET", "/file", 206, requestHeader: ("Range", "bytes=0-3")),
        Exchange(5, "GET", "/file", 200, etag: "\"f\""),
        Exchange(6, "GET", "/only-conditional", 304, requestHeader: ("If-None-Match", "\"c\"")),
        Exchange(7, "GET", "/twice", 200),
        Exchange(8, "GET", "/twice", 200),
        Exchange(9, "GET", "/dated", 200, lastModified: "Sun, 01 Mar 2026 08:00:00 GMT"),
    ];

    public static TheoryData<string, string, string?, string?, string, int[], string> Cases() => new()
    {
        // method, target, header "Name: value", body, expected ("Recorded #i", "NotModified #i", "Unmatched #i: reason"), uses before, description
        { "GET", "/items?sort=name&page=2", null, null, "Recorded #0", [], "query parameters in any order" },
        { "GET", "/items?page=2&sort=name", "If-None-Match: \"a\"", null, "Recorded #1", [], "a conditional request gets the recorded 304" },
        { "GET", "/items?page=2&sort=name", "If-None-Match: \"a\"", null, "NotModified #0", [1], "recorded 304 used: validators answer" },
        { "GET", "/items?page=2&sort=name", "If-None-Match: \"b\"", null, "Recorded #0", [1], "recorded 304 used, validators differ: the full response" },
        { "GET", "/items?page=3&sort=name", null, null, "Unmatched #0: query +page=3 -page=2 (+ sent only, - recorded only)", [], "a query value differs" },
        { "GET", "/search?access_token=live-secret&q=tea", null, null, "Recorded #2", [], "a REDACTED value matches any value" },
        { "GET", "/search?q=coffee&access_token=x", null, null, "Unmatched #2: query +q=coffee -q=tea (+ sent only, - recorded only)", [], "the closest names the differing parameter" },
        { "POST", "/orders", null, "{\"id\":1}", "Recorded #3", [], "the same content" },
        { "POST", "/orders", null, "{\"id\":2}", "Unmatched #3: content differs", [], "other content" },
        { "PUT", "/orders", null, "{\"id\":1}", "Unmatched #3: method PUT, recorded POST", [], "another method" },
        { "GET", "/orderz", null, null, "Unmatched #3: method GET, recorded POST; path /orderz, recorded /orders", [], "a near path before the same method" },
        { "GET", "/filez", null, null, "Unmatched #4: path /filez, recorded /file", [], "the same method on the nearest path" },
        { "GET", "/file", "Range: bytes=0-3", null, "Recorded #4", [], "a range request gets the recorded 206" },
        { "GET", "/file", "Range: bytes=4-9", null, "Recorded #5", [], "another range: the full response" },
        { "GET", "/file", null, null, "Recorded #5", [], "no range: the 200, not the 206" },
        { "GET", "/only-conditional", null, null, "Unmatched #6: recorded only as a conditional request", [], "an unconditional request with only a 304 recorded" },
        { "HEAD", "/twice", null, null, "Recorded #7", [], "a HEAD with no recorded HEAD is matched as a GET" },
        { "HEAD", "/nothing", null, null, "Unmatched #7: path /nothing, recorded /twice", [], "a HEAD matching no GET either" },
        { "GET", "/twice", null, null, "Recorded #7", [], "first of two" },
        { "GET", "/twice", null, null, "Recorded #8", [7], "second of two" },
        { "GET", "/twice", null, null, "Recorded #8", [7, 8], "the last again when all are used" },
        { "GET", "/dated", "If-Modified-Since: Sun, 01 Mar 2026 11:00:00 GMT", null, "NotModified #9", [], "If-Modified-Since after the rebased Last-Modified (10:00)" },
        { "GET", "/dated", "If-Modified-Since: Sun, 01 Mar 2026 08:00:00 GMT", null, "Recorded #9", [], "If-Modified-Since at the recorded, not the rebased, Last-Modified" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_request_is_matched_as_the_table_says(string method, string target, string? header, string? body, string expected, int[] used, string why)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (header is not null)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            headers[header[..colon]] = header[(colon + 1)..].Trim();
        }

        var uses = new int[s_recording.Length];
        foreach (var index in used)
        {
            uses[index]++;
        }

        var request = new ReplayRequest(method, target, headers, body is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(body));
        var decision = HarMatcher.Decide(request, s_recording, uses, TimeSpan.FromHours(2));

        var actual = decision.Kind == ReplayAnswerKind.Unmatched
            ? $"Unmatched #{decision.Exchange?.Index}: {decision.Reason}"
            : $"{decision.Kind} #{decision.Exchange!.Index}";
        Assert.True(expected == actual, $"{why}: expected {expected}, got {actual}");
    }

    [Fact]
    public void An_empty_recording_matches_nothing_and_says_so()
    {
        var decision = HarMatcher.Decide(new ReplayRequest("GET", "/", new Dictionary<string, string>(), default), [], [], TimeSpan.Zero);

        Assert.Equal(ReplayAnswerKind.Unmatched, decision.Kind);
        Assert.Null(decision.Exchange);
        Assert.Equal("the recording has no entries", decision.Reason);
    }

    private static HarExchange Exchange(
        int index, string method, string target, int status, string? etag = null, string? lastModified = null,
        (string Name, string Value)? requestHeader = null, string? body = null)
    {
        var responseHeaders = new List<KeyValuePair<string, string>>();
        if (etag is not null)
        {
            responseHeaders.Add(new("ETag", etag));
        }

        if (lastModified is not null)
        {
            responseHeaders.Add(new("Last-Modified", lastModified));
        }

        return new HarExchange
        {
            Index = index,
            Started = s_start,
            Method = method,
            Url = new Uri("https://api.example.org" + target),
            RequestHeaders = requestHeader is { } h ? [new(h.Name, h.Value)] : [],
            RequestBody = body is null ? null : Encoding.UTF8.GetBytes(body),
            Status = status,
            ResponseHeaders = responseHeaders,
            ResponseBody = [],
        };
    }
}
