using System.Net.Http.Headers;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp;

/// <summary>
/// Reads the URIs a successful response to a query (RFC 10008: a QUERY, or a POST marked with
/// <see cref="HttpCacheRequestExtensions.MarkAsQuery"/>) offers for GET requests, and the query formats a resource
/// accepts (<c>Accept-Query</c>).
/// </summary>
public static class HttpQueryResponseExtensions
{
    /// <summary>
    /// Gets the URI of the query's equivalent resource (RFC 10008 §2.2, §2.4): the <c>Location</c> of a 2xx response to
    /// a query, resolved against the request's URI. The server claims that a GET of it repeats the query without sending
    /// the content again; the resource may be temporary, and when a GET of it fails the query can be sent again as it was.
    /// </summary>
    /// <param name="response">A response.</param>
    /// <returns>The absolute http(s) URI, or <see langword="null"/> when the response is not a 2xx to a query or has no usable <c>Location</c>.</returns>
    public static Uri? GetQueryLocation(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return QueryAnswer(response) is { } request ? Resolve(request.RequestUri, response.Headers.Location) : null;
    }

    /// <summary>
    /// Gets the URI of the query's results (RFC 10008 §2.3, RFC 9110 §8.7): the <c>Content-Location</c> of a 2xx
    /// response to a query, resolved against the request's URI. The server claims that a GET of it retrieves the results
    /// of the query just performed; the resource may be temporary.
    /// </summary>
    /// <param name="response">A response.</param>
    /// <returns>The absolute http(s) URI, or <see langword="null"/> when the response is not a 2xx to a query or has no usable <c>Content-Location</c>.</returns>
    public static Uri? GetQueryResultLocation(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return QueryAnswer(response) is { } request ? Resolve(request.RequestUri, response.Content?.Headers.ContentLocation) : null;
    }

    /// <summary>
    /// Gets the query formats the resource accepts (RFC 10008 §3, <c>Accept-Query</c>): the media ranges of the field,
    /// with their parameters, on a response to any method (a server may say it on a GET, an OPTIONS, or a 415 to a
    /// QUERY). The order is not significant; the field applies to every URI with the response's path, whatever its query.
    /// </summary>
    /// <param name="response">A response.</param>
    /// <returns>
    /// The media ranges (such as <c>application/jsonpath</c>, <c>application/sql; charset="UTF-8"</c>, <c>*/*</c>), or
    /// <see langword="null"/> when the response has no <c>Accept-Query</c> or it is malformed (ignored, RFC 9651 §4.2).
    /// </returns>
    public static IReadOnlyList<MediaTypeHeaderValue>? GetAcceptQuery(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return AcceptQueryField.Read(response);
    }

    /// <summary>The request of a 2xx response to a query, or null.</summary>
    private static HttpRequestMessage? QueryAnswer(HttpResponseMessage response) =>
        response.IsSuccessStatusCode && response.RequestMessage is { } request && QueryRequests.IsQuery(request) ? request : null;

    /// <summary>§10.2.2, §8.7: a reference resolved against the target URI; only http(s) URIs are offered.</summary>
    internal static Uri? Resolve(Uri? target, Uri? reference)
    {
        if (reference is null)
        {
            return null;
        }

        Uri? resolved;
        if (reference.IsAbsoluteUri)
        {
            resolved = reference;
        }
        else if (target is not { IsAbsoluteUri: true } || !Uri.TryCreate(target, reference, out resolved))
        {
            return null;
        }

        return resolved.Scheme == Uri.UriSchemeHttp || resolved.Scheme == Uri.UriSchemeHttps ? resolved : null;
    }
}
