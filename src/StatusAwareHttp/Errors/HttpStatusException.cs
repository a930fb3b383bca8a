using System.Net;
using System.Net.Http.Headers;

namespace StatusAwareHttp;

/// <summary>
/// A response whose status is not a success, with what the server said about it: the status and reason, the headers, a
/// bounded excerpt of the body, the RFC 9457 problem details, the 401 challenges, the 405 <c>Allow</c> list and the
/// <c>Retry-After</c> delay. Thrown by <see cref="HttpStatusResponseExtensions.EnsureStatusAsync"/>, and by the
/// client itself for every 4xx and 5xx when <c>Errors.ThrowOnErrorStatus</c> is set.
/// <see cref="HttpRequestException.StatusCode"/> is always set.
/// </summary>
public sealed class HttpStatusException : HttpRequestException
{
    internal HttpStatusException(
        string message,
        HttpMethod method,
        Uri? requestUri,
        HttpStatusCode statusCode,
        string? reasonPhrase,
        HttpResponseHeaders headers,
        HttpContentHeaders contentHeaders,
        string bodyExcerpt,
        bool isBodyTruncated,
        HttpProblem? problem,
        IReadOnlyList<AuthenticationChallenge> challenges,
        IReadOnlyList<string> allowedMethods,
        TimeSpan? retryAfter,
        bool isTransient)
        : base(message, null, statusCode)
    {
        Method = method;
        RequestUri = requestUri;
        ReasonPhrase = reasonPhrase;
        Headers = headers;
        ContentHeaders = contentHeaders;
        BodyExcerpt = bodyExcerpt;
        IsBodyTruncated = isBodyTruncated;
        Problem = problem;
        Challenges = challenges;
        AllowedMethods = allowedMethods;
        RetryAfter = retryAfter;
        IsTransient = isTransient;
    }

    /// <summary>Gets the method of the request that got this response.</summary>
    public HttpMethod Method { get; }

    /// <summary>Gets the URI that answered (after any redirects), with its query; the exception's message leaves the query out.</summary>
    public Uri? RequestUri { get; }

    /// <summary>Gets the status code (the same as <see cref="HttpRequestException.StatusCode"/>, never <see langword="null"/>).</summary>
    public HttpStatusCode Status => StatusCode!.Value;

    /// <summary>Gets the reason phrase the server sent, or <see langword="null"/> (HTTP/2 and HTTP/3 have none).</summary>
    public string? ReasonPhrase { get; }

    /// <summary>Gets a copy of the response headers.</summary>
    public HttpResponseHeaders Headers { get; }

    /// <summary>Gets a copy of the response's content headers (<c>Content-Type</c>, <c>Content-Length</c>, <c>Allow</c>, ...).</summary>
    public HttpContentHeaders ContentHeaders { get; }

    /// <summary>
    /// Gets the start of the body as text (the charset of <c>Content-Type</c>, else UTF-8), at most
    /// <c>Errors.MaxBodyExcerptBytes</c> bytes (default 4 KiB); the rest of the body was never read. Empty when there was none.
    /// </summary>
    public string BodyExcerpt { get; }

    /// <summary>Gets a value indicating whether the body was longer than <see cref="BodyExcerpt"/>.</summary>
    public bool IsBodyTruncated { get; }

    /// <summary>Gets the RFC 9457 problem details when the body was <c>application/problem+json</c>, else <see langword="null"/>.</summary>
    public HttpProblem? Problem { get; }

    /// <summary>
    /// Gets the challenges of <c>WWW-Authenticate</c> for a 401 (of <c>Proxy-Authenticate</c> for a 407), in the
    /// server's order, several per field line possible (RFC 9110 §11.6.1). Empty for other statuses.
    /// </summary>
    public IReadOnlyList<AuthenticationChallenge> Challenges { get; }

    /// <summary>
    /// Gets the methods listed in <c>Allow</c> (RFC 9110 §10.2.1), which a 405 must send; empty when the server omitted
    /// it (or listed none).
    /// </summary>
    public IReadOnlyList<string> AllowedMethods { get; }

    /// <summary>
    /// Gets how long the server asked the client to wait (<c>Retry-After</c>, RFC 9110 §10.2.3, sent with 429 and 503),
    /// or <see langword="null"/> when it did not say. A date in the past gives <see cref="TimeSpan.Zero"/>.
    /// </summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets a value indicating whether the status is a client error (4xx).</summary>
    public bool IsClientError => (int)Status is >= 400 and <= 499;

    /// <summary>Gets a value indicating whether the status is a server error (5xx).</summary>
    public bool IsServerError => (int)Status is >= 500 and <= 599;

    /// <summary>
    /// Gets a value indicating whether the same request is worth sending again later: 408, 429, 502, 503, 504, and any
    /// other error that came with <c>Retry-After</c>. <see langword="false"/> for 400, 401, 403, 404, 405 and 500.
    /// </summary>
    public bool IsTransient { get; }
}
