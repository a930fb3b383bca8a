using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp;

/// <summary>Reads what the HTTP cache did from a response.</summary>
public static class HttpCacheResponseExtensions
{
    /// <summary>
    /// Gets what this library's HTTP cache did for the response: served it from storage (<see cref="HttpCacheStatus.Hit"/>)
    /// or went forward to the origin and why (<see cref="HttpCacheStatus.ForwardReason"/>), with the other parameters
    /// of its member of the <c>Cache-Status</c> response field (RFC 9211). Our member is the last one of the field's
    /// last line (each cache adds its own after those of the caches nearer the origin), when it is named with the
    /// <see cref="CacheOptions.CacheName"/> of a cache in this process. The field is read as it is, not validated or
    /// changed, and nothing is kept per response. A value that is not a valid Structured Field list reads as no member.
    /// </summary>
    /// <param name="response">A response from a client with status handling.</param>
    /// <returns>
    /// The status, or <see langword="null"/> when no cache of ours answered: the cache is off, the request was not a GET
    /// it looked up (a POST, a caller's own conditional request), or the last member is another cache's. An upstream
    /// cache that uses the same name as ours cannot be told apart from it; give ours another
    /// <see cref="CacheOptions.CacheName"/> when that matters.
    /// </returns>
    public static HttpCacheStatus? GetCacheStatus(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!response.Headers.NonValidated.TryGetValues(CacheStatus.FieldName, out var values))
        {
            return null;
        }

        string? last = null;
        foreach (var value in values)
        {
            last = value;
        }

        return CacheStatusParser.ParseLast(last, CacheStatusNames.Contains);
    }
}
