using StatusAwareHttp.Deprecation.Internal;

namespace StatusAwareHttp;

/// <summary>Reads the deprecation and sunset notices of a response (RFC 9745, RFC 8594).</summary>
public static class DeprecationResponseExtensions
{
    /// <summary>
    /// Gets what the response says about its resource's deprecation: the <c>Deprecation</c> and <c>Sunset</c> dates and
    /// the <c>deprecation</c>, <c>sunset</c> and <c>successor-version</c> links (relative ones resolved against
    /// <c>response.RequestMessage.RequestUri</c>). Malformed fields are ignored, never thrown. Works on any response,
    /// with or without status handling. An RFC 850 <c>Sunset</c> date's two-digit year is read against the response's
    /// <c>Date</c> (RFC 9110 §5.6.7), or the system clock when it has none.
    /// </summary>
    /// <param name="response">A response.</param>
    /// <returns>
    /// The notice, or <see langword="null"/> when the response has no valid <c>Deprecation</c> or <c>Sunset</c> field and
    /// no <c>deprecation</c> or <c>sunset</c> link (a <c>successor-version</c> link alone is no notice).
    /// </returns>
    public static DeprecationNotice? GetDeprecation(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return DeprecationFields.Read(response, response.Headers.Date ?? TimeProvider.System.GetUtcNow());
    }
}
