using System.Net.Http;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Retries.Internal;

/// <summary>Why a transient outcome goes back to the caller instead of being retried.</summary>
internal enum RetryRefusal
{
    None,
    NotIdempotent,
    BodyNotResendable,
    Exhausted,
    RetryAfterOverCap,
    PastTimeLeft,
    Budget,
    Vetoed,
}

/// <summary>Which requests and outcomes are retried (RFC 9110 §9.2.2, §15.5.9, §15.6.3-5), as pure functions.</summary>
internal static class RetryPolicy
{
    /// <summary>The request header of draft-ietf-httpapi-idempotency-key-header that makes a POST or PATCH safe to repeat.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>
    /// The methods RFC 9110 §9.2.2 defines as idempotent (repeating them has the effect of sending them once), and QUERY
    /// (RFC 10008 §2: "they can be retried or repeated when needed, for instance, after a connection failure").
    /// </summary>
    public static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get
        || method == HttpMethod.Query
        || method == HttpMethod.Head
        || method == HttpMethod.Options
        || method == HttpMethod.Trace
        || method == HttpMethod.Put
        || method == HttpMethod.Delete;

    /// <summary>Whether this request may be sent again at all, whatever the outcome was.</summary>
    /// <param name="method">The request's method.</param>
    /// <param name="hasIdempotencyKey">Whether it carries an <c>Idempotency-Key</c>.</param>
    /// <param name="content">Its content.</param>
    /// <param name="retryPostWithIdempotencyKey">Whether a keyed POST or PATCH may be repeated.</param>
    /// <param name="markedQuery">Whether the application marked it as a query (a POST so marked is repeated as a QUERY).</param>
    public static RetryRefusal CheckRequest(HttpMethod method, bool hasIdempotencyKey, HttpContent? content, bool retryPostWithIdempotencyKey, bool markedQuery = false)
    {
        if (!IsIdempotent(method) && !(markedQuery && method == HttpMethod.Post))
        {
            // §9.2.2: a non-idempotent request may have taken effect; only a server-side key makes a repeat harmless.
            var keyed = retryPostWithIdempotencyKey && hasIdempotencyKey && (method == HttpMethod.Post || method == HttpMethod.Patch);
            if (!keyed)
            {
                return RetryRefusal.NotIdempotent;
            }
        }

        // A body goes again whole or the request is not repeated: never an empty or cut-short body.
        return RequestBody.CanResend(content) ? RetryRefusal.None : RetryRefusal.BodyNotResendable;
    }

    /// <summary>Whether a response status is retried, given the configured set (as a lookup by status).</summary>
    public static RetryReason Classify(int status, bool[] retriedStatuses) =>
        (uint)status < (uint)retriedStatuses.Length && retriedStatuses[status] ? RetryReason.Status : RetryReason.None;

    /// <summary>
    /// Whether an exception from below is a failure another attempt can change: the connection failed or dropped before
    /// any response. A failure on this machine (a header .NET refuses, an invalid request, a configuration error:
    /// <see cref="HttpRequestError.Unknown"/> with no network cause) fails the same way every time, so it is not retried.
    /// </summary>
    public static RetryReason Classify(Exception exception, bool cancellationRequested)
    {
        // The caller gave up (or HttpClient.Timeout fired): never retried.
        if (cancellationRequested)
        {
            return RetryReason.None;
        }

        if (exception is not HttpRequestException http)
        {
            // A custom primary handler may let a socket reset through as it is.
            return IsReset(exception) ? RetryReason.ConnectionFailure : RetryReason.None;
        }

        // Our own refusal to send, and exceptions that carry a status (a response was received), are not connection failures.
        if (http is RetryGateClosedException || http.StatusCode is not null)
        {
            return RetryReason.None;
        }

        return http.HttpRequestError switch
        {
            // Refused, reset or dropped before the response, a stream reset by the server (HTTP/2, HTTP/3), a name not
            // resolved yet: nothing was answered, and another connection may work.
            HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded or HttpRequestError.HttpProtocolError
                or HttpRequestError.NameResolutionError => RetryReason.ConnectionFailure,

            // Unknown is what .NET reports for local failures too: retried only when a socket or transport error caused it.
            HttpRequestError.Unknown => IsReset(http.InnerException) ? RetryReason.ConnectionFailure : RetryReason.None,

            // TLS (a certificate or protocol mismatch repeats the same way), authentication, version, configuration,
            // proxy and malformed responses, and the response-size limits: another attempt fails alike.
            _ => RetryReason.None,
        };
    }

    /// <summary>Whether an exception, or one that caused it, is a socket error or a transport's I/O failure (a reset).</summary>
    private static bool IsReset(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is System.Net.Sockets.SocketException || (current is IOException && current.InnerException is System.Net.Sockets.SocketException))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Builds the lookup of <see cref="Classify(int, bool[])"/> from the configured statuses (4xx and 5xx only).</summary>
    public static bool[] StatusLookup(IEnumerable<int> statuses)
    {
        var lookup = new bool[600];
        foreach (var status in statuses)
        {
            if (status is >= 400 and < 600)
            {
                lookup[status] = true;
            }
        }

        return lookup;
    }

    /// <summary>Whether a response closes its origin's gate: 503 (§15.6.4) or 429 (RFC 6585 §4) with a positive <c>Retry-After</c>.</summary>
    public static bool ClosesGate(int status, TimeSpan? retryAfter) =>
        HttpStatusRules.HoldsOrigin(status) && retryAfter > TimeSpan.Zero;

    /// <summary>Whether a response shows its origin is answering again (opens a closed gate): no 5xx, 408 or 429.</summary>
    public static bool OpensGate(int status) => HttpStatusRules.ShowsOriginAnswering(status);
}
