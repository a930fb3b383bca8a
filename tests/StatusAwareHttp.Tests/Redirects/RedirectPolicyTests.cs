using System.Net;
using StatusAwareHttp.Redirects.Internal;

namespace StatusAwareHttp.Tests.Redirects;

public sealed class RedirectPolicyTests
{
    private static readonly Uri s_current = new("http://a.example/dir/page?q=1#frag");

    [Theory]
    [InlineData(301, "POST", "GET")] // §15.4.2: POST may become GET; browsers do it
    [InlineData(301, "PUT", "PUT")] // §15.4.2: other methods are kept
    [InlineData(301, "GET", "GET")]
    [InlineData(302, "POST", "GET")] // §15.4.3
    [InlineData(302, "DELETE", "DELETE")]
    [InlineData(303, "POST", "GET")] // §15.4.4: retrieve with GET
    [InlineData(303, "PUT", "GET")]
    [InlineData(303, "HEAD", "HEAD")] // §15.4.4 / Fetch: HEAD stays HEAD
    [InlineData(307, "POST", "POST")] // §15.4.8: method not changed
    [InlineData(308, "PUT", "PUT")] // §15.4.9: method not changed
    [InlineData(308, "PATCH", "PATCH")]
    [InlineData(301, "QUERY", "QUERY")] // RFC 10008 §2.5: the POST exceptions do not apply to QUERY
    [InlineData(302, "QUERY", "QUERY")]
    [InlineData(307, "QUERY", "QUERY")]
    [InlineData(308, "QUERY", "QUERY")]
    [InlineData(303, "QUERY", "GET")] // RFC 10008 §2.5: the results are retrieved with GET
    public void NextMethod_follows_the_rules(int status, string method, string expected)
    {
        Assert.Equal(expected, RedirectPolicy.NextMethod((HttpStatusCode)status, new HttpMethod(method)).Method);
    }

    [Theory]
    [InlineData(300, false)] // §15.4.1: choices are the caller's
    [InlineData(301, true)]
    [InlineData(302, true)]
    [InlineData(303, true)]
    [InlineData(304, false)] // §15.4.5: not a redirect to follow
    [InlineData(305, false)] // §15.4.6: deprecated
    [InlineData(306, false)] // §15.4.7: unused
    [InlineData(307, true)]
    [InlineData(308, true)]
    [InlineData(200, false)]
    public void Only_301_302_303_307_308_are_followed(int status, bool followed)
    {
        Assert.Equal(followed, RedirectPolicy.IsFollowedStatus((HttpStatusCode)status));
    }

    [Theory]
    [InlineData("/other", "http://a.example/other#frag")] // §10.2.2: relative to the target URI; fragment inherited
    [InlineData("next", "http://a.example/dir/next#frag")] // relative path
    [InlineData("../up?x=2", "http://a.example/up?x=2#frag")] // dot segments removed, query kept
    [InlineData("/other#own", "http://a.example/other#own")] // the location's own fragment wins
    [InlineData("https://b.example/x", "https://b.example/x#frag")] // absolute
    [InlineData("//c.example/y", "http://c.example/y#frag")] // network-path reference keeps the scheme
    [InlineData("/caf\u00e9", "http://a.example/caf%C3%A9#frag")] // non-ASCII percent-encoded
    public void ResolveLocation_resolves_and_carries_the_fragment(string location, string expected)
    {
        var target = RedirectPolicy.ResolveLocation(s_current, new Uri(location, UriKind.RelativeOrAbsolute));
        Assert.NotNull(target);
        Assert.Equal(expected, target.AbsoluteUri);
    }

    [Theory]
    [InlineData("ftp://files.example/x")] // only http(s) can be requested
    [InlineData("javascript:alert(1)")]
    [InlineData("mailto:a@b.example")]
    public void ResolveLocation_refuses_what_cannot_be_requested(string location)
    {
        Assert.Null(RedirectPolicy.ResolveLocation(s_current, new Uri(location, UriKind.RelativeOrAbsolute)));
    }

    [Fact]
    public void ResolveLocation_without_location_is_null() => Assert.Null(RedirectPolicy.ResolveLocation(s_current, null));

    public static TheoryData<int, string, string, string?, string, bool, string> Decisions => new()
    {
        // status, method, current, location, content kind, allowHttpsToHttp, expected outcome
        { 300, "GET", "http://a.example/", "/x", "none", false, "NotFollowedStatus" },
        { 304, "GET", "http://a.example/", "/x", "none", false, "NotFollowedStatus" },
        { 302, "GET", "http://a.example/", null, "none", false, "NoUsableLocation" }, // §10.2.2: nothing to follow
        { 302, "GET", "https://a.example/", "http://a.example/", "none", false, "HttpsToHttp" }, // downgrade refused
        { 302, "GET", "https://a.example/", "http://a.example/", "none", true, "follow GET keep" }, // downgrade on opt-in
        { 307, "POST", "http://a.example/", "/x", "stream", false, "BodyNotResendable" }, // §15.4.8: whole body or nothing
        { 308, "PUT", "http://a.example/", "/x", "stream", false, "BodyNotResendable" },
        { 307, "POST", "http://a.example/", "/x", "bytes", false, "follow POST keep" },
        { 308, "PUT", "http://a.example/", "/x", "json", false, "follow PUT keep" },
        { 303, "POST", "http://a.example/", "/x", "stream", false, "follow GET drop" }, // §15.4.4: body dropped, so no re-send needed
        { 301, "POST", "http://a.example/", "/x", "stream", false, "follow GET drop" }, // §15.4.2
        { 301, "PUT", "http://a.example/", "/x", "stream", false, "BodyNotResendable" }, // kept method keeps its body
        { 303, "HEAD", "http://a.example/", "/x", "none", false, "follow HEAD drop" },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void Decide_follows_the_rules(int status, string method, string current, string? location, string content, bool allowHttpsToHttp, string expected)
    {
        using var body = content switch
        {
            "stream" => new StreamContent(new MemoryStream([1, 2, 3])),
            "bytes" => new ByteArrayContent([1, 2, 3]),
            "json" => System.Net.Http.Json.JsonContent.Create(new { a = 1 }),
            _ => (HttpContent?)null,
        };
        var decision = RedirectPolicy.Decide(
            new HttpMethod(method),
            (HttpStatusCode)status,
            new Uri(current),
            location is null ? null : new Uri(location, UriKind.RelativeOrAbsolute),
            body,
            allowHttpsToHttp);

        var actual = decision.Follow
            ? $"follow {decision.Method!.Method} {(decision.DropBody ? "drop" : "keep")}"
            : decision.Refusal.ToString();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("http://a.example/x", "http://a.example/y", true)]
    [InlineData("http://a.example/x", "http://A.EXAMPLE:80/y", true)] // default port, case-insensitive host
    [InlineData("http://a.example/x", "https://a.example/x", false)] // scheme
    [InlineData("http://a.example/x", "http://b.example/x", false)] // host
    [InlineData("http://a.example:8080/x", "http://a.example:8081/x", false)] // port
    public void Origins_compare_scheme_host_and_port(string a, string b, bool same)
    {
        Assert.Equal(same, StatusAwareHttp.Internal.UriOrigin.IsSameOrigin(new Uri(a), new Uri(b)));
    }
}
