using System.Net;
using StatusAwareHttp.Internal;

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

    /// <summary>Whether the same request may succeed later, unchanged (<see cref="HttpStatusRules.IsTransient"/>).</summary>
    public static bool IsTransient(HttpStatusCode status, bool hasRetryAfter) => HttpStatusRules.IsTransient((int)status, hasRetryAfter);
}
