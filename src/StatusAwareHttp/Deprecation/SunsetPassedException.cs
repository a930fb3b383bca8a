using System.Net;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp;

/// <summary>
/// Thrown, when <see cref="DeprecationOptions.FailAfterSunset"/> is on, for a response whose <c>Sunset</c> date
/// (RFC 8594 §3) has passed: the resource may stop answering at any time, and a test suite or staging environment
/// should find out now. The response is disposed. The message names the route without its query.
/// </summary>
public sealed class SunsetPassedException : HttpRequestException
{
    internal SunsetPassedException(DeprecationNotice notice, Uri? requestUri, DateTimeOffset now, HttpStatusCode statusCode)
        : base(
            $"{UriRedaction.Redact(requestUri)} is past its sunset ({notice.SunsetDate:u}; now {now:u}): the resource may stop answering at any time. {notice}.",
            null,
            statusCode)
    {
        Notice = notice;
        RequestUri = requestUri;
    }

    /// <summary>Gets what the response said (its <see cref="DeprecationNotice.SunsetDate"/> is in the past).</summary>
    public DeprecationNotice Notice { get; }

    /// <summary>Gets the URI of the request that was answered after its sunset.</summary>
    public Uri? RequestUri { get; }
}
