using System.Net;

namespace StatusAwareHttp.Errors.Internal;

/// <summary>What an error status means for the caller (RFC 9110 §15.5, §15.6). Pure.</summary>
internal static class ErrorClassifier
{
    /// <summary>4xx (§15.5): the request was wrong; sending it again unchanged does not help, with the exceptions below.</summary>
    public static bool IsClientError(HttpStatusCode status) => (int)status is >= 400 and <= 499;

    /// <summary>5xx (§15.6): the server failed.</summary>
    public static bool IsServerError(HttpStatusCode status) => (int)status is >= 500 and <= 599;

    /// <summary>Whether the status is an error (4xx or 5xx).</summary>
    public static bool IsError(HttpStatusCode status) => (int)status is >= 400 and <= 599;

    /// <summary>Whether the same request may succeed later, unchanged.</summary>
    public static bool IsTransient(HttpStatusCode status, bool hasRetryAfter)
    {
        switch ((int)status)
        {
            case 408: // §15.5.9: the server timed out waiting for the request; it may be repeated.
            case 429: // RFC 6585 §4: too many requests; wait (Retry-After) and try again.
            case 502: // §15.6.3: an upstream answered badly; often passing.
            case 503: // §15.6.4: overload or maintenance, "likely be alleviated after some delay".
            case 504: // §15.6.5: an upstream timed out.
                return true;
            case 500: // §15.6.1: an unexpected condition; not retried unless the user says so.
            case 400: // §15.5.1: the request is malformed; the same bytes fail again.
            case 401: // §15.5.2: needs credentials, not time.
            case 403: // §15.5.4: refused; "the client SHOULD NOT automatically repeat the request".
            case 404: // §15.5.5: the resource is not there.
            case 405: // §15.5.6: the method is not allowed; see Allow.
                return false;
            default:
                // §10.2.3: a server that sends Retry-After with an error says when to come back.
                return hasRetryAfter && IsError(status);
        }
    }
}
