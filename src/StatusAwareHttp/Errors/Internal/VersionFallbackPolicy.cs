using System.Net;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Errors.Internal;

/// <summary>What to do with a response to a request that asked for HTTP/2 or HTTP/3.</summary>
internal enum VersionFallbackDecision
{
    /// <summary>Return the response.</summary>
    None,

    /// <summary>Send the request again as HTTP/1.1.</summary>
    FallBack,

    /// <summary>A fallback would help, but the body cannot be sent again: return the 505.</summary>
    BodyNotResendable,
}

/// <summary>The 505 rule (RFC 9110 §15.6.6) as a pure function.</summary>
internal static class VersionFallbackPolicy
{
    public static VersionFallbackDecision Decide(HttpStatusCode status, Version requestVersion, HttpVersionPolicy policy, Version responseVersion, HttpContent? content)
    {
        // §15.6.6: 505 says the server does not support the major version of the request; nothing else is a version problem.
        if (!HttpStatusRules.IsVersionNotSupported((int)status))
        {
            return VersionFallbackDecision.None;
        }

        // Only a request that asked for a newer version than 1.1 has a lower one to fall back to.
        if (requestVersion.Major < 2)
        {
            return VersionFallbackDecision.None;
        }

        // The caller must have allowed a lower version; RequestVersionExact and RequestVersionOrHigher forbid it.
        if (policy != HttpVersionPolicy.RequestVersionOrLower)
        {
            return VersionFallbackDecision.None;
        }

        // A 505 that already came over HTTP/1.x will not change by asking for HTTP/1.1.
        if (responseVersion.Major < 2)
        {
            return VersionFallbackDecision.None;
        }

        // The request goes again whole, or the 505 goes back; never an empty or cut body.
        return RequestBody.CanResend(content) ? VersionFallbackDecision.FallBack : VersionFallbackDecision.BodyNotResendable;
    }
}
