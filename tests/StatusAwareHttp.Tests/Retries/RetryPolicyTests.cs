using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using StatusAwareHttp.Retries.Internal;

namespace StatusAwareHttp.Tests.Retries;

public sealed class RetryPolicyTests
{
    private static readonly bool[] s_defaults = RetryPolicy.StatusLookup(new RetryOptions().StatusCodes);

    [Theory]
    // RFC 9110 §9.2.2: the idempotent methods are retried.
    [InlineData("GET", false, true, "None")]
    [InlineData("HEAD", false, true, "None")]
    [InlineData("OPTIONS", false, true, "None")]
    [InlineData("TRACE", false, true, "None")]
    [InlineData("PUT", false, true, "None")]
    [InlineData("DELETE", false, true, "None")]
    // POST and PATCH are not idempotent: only with an Idempotency-Key, and only while the option allows it.
    [InlineData("POST", false, true, "NotIdempotent")]
    [InlineData("PATCH", false, true, "NotIdempotent")]
    [InlineData("POST", true, true, "None")]
    [InlineData("PATCH", true, true, "None")]
    [InlineData("POST", true, false, "NotIdempotent")]
    // Other methods never, key or not.
    [InlineData("CONNECT", true, true, "NotIdempotent")]
    [InlineData("LOCK", true, true, "NotIdempotent")]
    [InlineData("QUERY", false, true, "None")] // RFC 10008 §2: safe and idempotent
    public void Which_methods_are_retried(string method, bool hasKey, bool retryKeyed, string expected) =>
        Assert.Equal(Enum.Parse<RetryRefusal>(expected), RetryPolicy.CheckRequest(new HttpMethod(method), hasKey, content: null, retryKeyed));

    public static TheoryData<string, bool> Bodies() => new()
    {
        { "none", true },
        { "bytes", true },
        { "string", true },
        { "form", true },
        { "json", true },
        { "multipart of bytes", true },
        { "stream", false }, // may be a one-shot stream: never re-sent empty or cut short
        { "multipart with a stream", false },
    };

    [Theory]
    [InlineData("POST", true, "None")] // marked as a query: repeated as a QUERY
    [InlineData("POST", false, "NotIdempotent")]
    [InlineData("PATCH", true, "NotIdempotent")] // the mark is for POST only
    [InlineData("QUERY", false, "None")]
    public void A_POST_marked_as_a_query_is_retried_as_a_QUERY(string method, bool marked, string expected) =>
        Assert.Equal(expected, RetryPolicy.CheckRequest(new HttpMethod(method), hasIdempotencyKey: false, content: null, retryPostWithIdempotencyKey: true, markedQuery: marked).ToString());

    [Theory]
    [MemberData(nameof(Bodies))]
    public void A_body_is_resent_whole_or_the_request_is_not_retried(string body, bool resent)
    {
        using var content = body switch
        {
            "none" => null,
            "bytes" => new ByteArrayContent([1, 2, 3]),
            "string" => new StringContent("x", Encoding.UTF8),
            "form" => new FormUrlEncodedContent([new("a", "b")]),
            "json" => JsonContent.Create(new { a = 1 }),
            "multipart of bytes" => new MultipartFormDataContent { new ByteArrayContent([1]) },
            "stream" => new StreamContent(new MemoryStream([1])),
            _ => (HttpContent)new MultipartFormDataContent { new StreamContent(new MemoryStream([1])) },
        };

        var refusal = RetryPolicy.CheckRequest(HttpMethod.Put, hasIdempotencyKey: false, content, retryPostWithIdempotencyKey: true);

        Assert.Equal(resent ? RetryRefusal.None : RetryRefusal.BodyNotResendable, refusal);
    }

    [Theory]
    [InlineData(503, true)] // §15.6.4 Service Unavailable
    [InlineData(504, true)] // §15.6.5 Gateway Timeout
    [InlineData(502, true)] // §15.6.3 Bad Gateway
    [InlineData(429, true)] // RFC 6585 §4 Too Many Requests
    [InlineData(408, true)] // §15.5.9 Request Timeout
    [InlineData(500, false)] // the request itself failed: not by default
    [InlineData(501, false)]
    [InlineData(505, false)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(200, false)]
    [InlineData(304, false)]
    [InlineData(999, false)]
    public void Which_statuses_are_retried_by_default(int status, bool retried) =>
        Assert.Equal(retried ? RetryReason.Status : RetryReason.None, RetryPolicy.Classify(status, s_defaults));

    [Fact]
    public void The_statuses_are_an_option()
    {
        var lookup = RetryPolicy.StatusLookup([500, 503]);

        Assert.Equal(RetryReason.Status, RetryPolicy.Classify(500, lookup));
        Assert.Equal(RetryReason.None, RetryPolicy.Classify(504, lookup));
    }

    public static TheoryData<Exception, bool, string> Exceptions() => new()
    {
        { new HttpRequestException(HttpRequestError.ConnectionError), false, "ConnectionFailure" }, // refused or reset
        { new HttpRequestException(HttpRequestError.ResponseEnded), false, "ConnectionFailure" }, // dropped before the response
        { new HttpRequestException(HttpRequestError.HttpProtocolError), false, "ConnectionFailure" },
        { new HttpRequestException(HttpRequestError.NameResolutionError), false, "ConnectionFailure" },
        { new HttpRequestException("plain"), false, "None" }, // Unknown, no network cause: a local failure repeats the same way
        { new HttpRequestException("Request headers must contain only ASCII characters."), false, "None" },
        { new HttpRequestException("wrapped", new InvalidOperationException()), false, "None" },
        { new HttpRequestException("reset", new SocketException((int)SocketError.ConnectionReset)), false, "ConnectionFailure" },
        { new HttpRequestException("reset", new IOException("io", new SocketException((int)SocketError.ConnectionAborted))), false, "ConnectionFailure" },
        { new SocketException((int)SocketError.ConnectionReset), false, "ConnectionFailure" }, // a custom primary handler's bare reset
        { new IOException("disk"), false, "None" },
        { new HttpRequestException(HttpRequestError.SecureConnectionError), false, "None" }, // TLS fails the same way again
        { new HttpRequestException(HttpRequestError.InvalidResponse), false, "None" },
        { new HttpRequestException(HttpRequestError.UserAuthenticationError), false, "None" },
        { new HttpRequestException("status", null, HttpStatusCode.ServiceUnavailable), false, "None" }, // a response came
        { new HttpRequestException(HttpRequestError.ConnectionError), true, "None" }, // the caller cancelled
        { new TaskCanceledException(), false, "None" },
        { new InvalidOperationException(), false, "None" },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Which_exceptions_are_connection_failures(Exception exception, bool cancelled, string expected) =>
        Assert.Equal(Enum.Parse<RetryReason>(expected), RetryPolicy.Classify(exception, cancelled));

    [Theory]
    [InlineData(503, 10, true)] // §15.6.4 with Retry-After: the origin asked for time
    [InlineData(429, 10, true)] // RFC 6585 §4
    [InlineData(503, -1, false)] // no Retry-After
    [InlineData(503, 0, false)] // Retry-After: 0 asks for nothing
    [InlineData(504, 10, false)] // a gateway's timeout is about the gateway's upstream, not a request for time
    [InlineData(502, 10, false)]
    public void Which_responses_close_the_origin_gate(int status, int retryAfter, bool closes) =>
        Assert.Equal(closes, RetryPolicy.ClosesGate(status, retryAfter < 0 ? null : TimeSpan.FromSeconds(retryAfter)));

    [Theory]
    [InlineData(200, true)]
    [InlineData(304, true)]
    [InlineData(404, true)]
    [InlineData(429, false)]
    [InlineData(408, false)]
    [InlineData(500, false)]
    [InlineData(503, false)]
    public void Which_responses_open_the_origin_gate(int status, bool opens) =>
        Assert.Equal(opens, RetryPolicy.OpensGate(status));
}
