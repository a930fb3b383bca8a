using System.Net;
using System.Text;
using StatusAwareHttp.Errors.Internal;

namespace StatusAwareHttp.Tests.Errors;

public sealed class AllowParserTests
{
    [Theory]
    [InlineData("GET, HEAD, PUT", "GET HEAD PUT")] // §10.2.1 #method
    [InlineData("GET,HEAD", "GET HEAD")] // no OWS
    [InlineData("", "")] // §10.2.1 an empty Allow: no method is allowed
    [InlineData(" , GET ,, ", "GET")] // §5.6.1 empty list elements
    [InlineData("GET, get", "GET get")] // §9.1 methods are case-sensitive
    [InlineData("GET, GET", "GET")] // each method once
    [InlineData("GET, bad method, POST", "GET POST")] // §9.1 an element that is not a token is not a method
    public void Parses(string field, string expected) =>
        Assert.Equal(expected, string.Join(' ', AllowParser.Parse([field])));

    [Fact]
    public void JoinsFieldLines() => Assert.Equal(["GET", "POST"], AllowParser.Parse(["GET", "POST, GET"]));
}

public sealed class ProblemParserTests
{
    [Theory]
    // §3.1 all five members
    [InlineData("{\"type\":\"https://example.net/validation\",\"title\":\"Invalid\",\"status\":400,\"detail\":\"age must be positive\",\"instance\":\"/people/1\"}",
        "https://example.net/validation|Invalid|400|age must be positive|/people/1|")]
    // §3.1.1 no type means about:blank
    [InlineData("{\"title\":\"Not Found\"}", "about:blank|Not Found||||")]
    // §3.1 a member of the wrong JSON type is ignored
    [InlineData("{\"type\":5,\"title\":[1],\"status\":\"400\",\"detail\":null,\"instance\":{}}", "about:blank|||||")]
    // §3.1.2 status is a number; a fraction is not a status
    [InlineData("{\"status\":400.5}", "about:blank|||||")]
    // §3.2 other members are extensions
    [InlineData("{\"title\":\"t\",\"balance\":30,\"accounts\":[\"/a/1\"]}", "about:blank|t||||accounts,balance")]
    public void Parses(string json, string expected)
    {
        var problem = ProblemParser.TryParse(Encoding.UTF8.GetBytes(json));
        Assert.NotNull(problem);
        var rendered = $"{problem.Type}|{problem.Title}|{problem.Status}|{problem.Detail}|{problem.Instance}|{string.Join(',', problem.Extensions.Keys.Order(StringComparer.Ordinal))}";
        Assert.Equal(expected, rendered);
    }

    [Theory]
    [InlineData("[1,2]")] // §3 a problem is a JSON object
    [InlineData("\"text\"")]
    [InlineData("{\"title\":")] // cut short
    [InlineData("not json")]
    [InlineData("")]
    public void RefusesWhatIsNotAnObject(string json) => Assert.Null(ProblemParser.TryParse(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void ExtensionsOutliveTheDocument()
    {
        var problem = ProblemParser.TryParse("{\"balance\":30}"u8)!;
        Assert.Equal(30, problem.Extensions["balance"].GetInt32());
    }

    [Theory]
    [InlineData("application/problem+json", true)]
    [InlineData("Application/Problem+JSON", true)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void RecognisesTheMediaType(string? mediaType, bool expected) => Assert.Equal(expected, ProblemParser.IsProblemMediaType(mediaType));
}

public sealed class ErrorClassifierTests
{
    [Theory]
    [InlineData(400, false, false)] // §15.5.1 malformed: fails again
    [InlineData(401, false, false)] // §15.5.2 needs credentials, not time
    [InlineData(403, false, false)] // §15.5.4 SHOULD NOT repeat
    [InlineData(403, true, false)] // ... even with Retry-After
    [InlineData(404, false, false)] // §15.5.5
    [InlineData(405, false, false)] // §15.5.6
    [InlineData(408, false, true)] // §15.5.9 may be repeated
    [InlineData(409, false, false)]
    [InlineData(413, true, true)] // §15.5.14 a temporary condition announced with Retry-After
    [InlineData(429, false, true)] // RFC 6585 §4
    [InlineData(500, false, false)] // §15.6.1 not retried unless the user adds it
    [InlineData(501, false, false)]
    [InlineData(502, false, true)] // §15.6.3
    [InlineData(503, false, true)] // §15.6.4
    [InlineData(504, false, true)] // §15.6.5
    [InlineData(505, false, false)] // §15.6.6 a version problem, handled by the fallback
    public void ClassifiesTransience(int status, bool hasRetryAfter, bool expected) =>
        Assert.Equal(expected, ErrorClassifier.IsTransient((HttpStatusCode)status, hasRetryAfter));

    [Theory]
    [InlineData(399, false, false)]
    [InlineData(400, true, false)]
    [InlineData(499, true, false)]
    [InlineData(500, false, true)]
    [InlineData(599, false, true)]
    public void ClassifiesClientAndServerErrors(int status, bool client, bool server)
    {
        Assert.Equal(client, ErrorClassifier.IsClientError((HttpStatusCode)status));
        Assert.Equal(server, ErrorClassifier.IsServerError((HttpStatusCode)status));
    }
}

public sealed class VersionFallbackPolicyTests
{
    [Theory]
    [InlineData(505, "2.0", HttpVersionPolicy.RequestVersionOrLower, "2.0", true, "FallBack")] // §15.6.6 retried as 1.1
    [InlineData(505, "3.0", HttpVersionPolicy.RequestVersionOrLower, "3.0", true, "FallBack")] // HTTP/3 too
    [InlineData(505, "2.0", HttpVersionPolicy.RequestVersionOrLower, "2.0", false, "BodyNotResendable")] // a one-shot body: the typed error
    [InlineData(505, "2.0", HttpVersionPolicy.RequestVersionExact, "2.0", true, "None")] // the caller forbade a lower version
    [InlineData(505, "2.0", HttpVersionPolicy.RequestVersionOrHigher, "2.0", true, "None")]
    [InlineData(505, "1.1", HttpVersionPolicy.RequestVersionOrLower, "1.1", true, "None")] // nothing lower to ask for
    [InlineData(505, "2.0", HttpVersionPolicy.RequestVersionOrLower, "1.1", true, "None")] // it already went as 1.1
    [InlineData(500, "2.0", HttpVersionPolicy.RequestVersionOrLower, "2.0", true, "None")] // only 505 is about the version
    public void Decides(int status, string requested, HttpVersionPolicy policy, string answered, bool resendable, string expected)
    {
        using var content = resendable ? (HttpContent)new StringContent("x") : new StreamContent(new MemoryStream([1]));
        Assert.Equal(expected, VersionFallbackPolicy.Decide((HttpStatusCode)status, Version.Parse(requested), policy, Version.Parse(answered), content).ToString());
    }

    [Theory]
    [InlineData(204, 0, false)] // already empty
    [InlineData(204, 3, true)] // §15.3.5 no content, whatever was sent
    [InlineData(205, 3, true)] // §15.3.6 no content
    [InlineData(200, 3, false)]
    public void EmptiesNoContentStatuses(int status, int length, bool expected)
    {
        using var content = new ByteArrayContent(new byte[length]);
        Assert.Equal(expected, NoContentPolicy.MustEmptyContent((HttpStatusCode)status, content));
    }
}
