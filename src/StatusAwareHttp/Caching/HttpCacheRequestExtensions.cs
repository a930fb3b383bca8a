namespace StatusAwareHttp;

/// <summary>
/// Sets and reads the <see cref="HttpCacheMode"/> of one request, and whether a POST is a query (kept in
/// <see cref="HttpRequestMessage.Options"/>).
/// </summary>
public static class HttpCacheRequestExtensions
{
    /// <summary>The key of the mode in <see cref="HttpRequestMessage.Options"/>.</summary>
    internal static readonly HttpRequestOptionsKey<HttpCacheMode> ModeKey = new("StatusAwareHttp.CacheMode");

    // Until a mode is set on some request, no request has one: reading HttpRequestMessage.Options would allocate them.
    private static volatile bool s_anySet;

    /// <summary>Sets how this request uses the HTTP cache. Default (when never set): <see cref="HttpCacheMode.Default"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="mode">The mode.</param>
    /// <returns>The same <paramref name="request"/>, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined mode.</exception>
    public static HttpRequestMessage SetCacheMode(this HttpRequestMessage request, HttpCacheMode mode)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (mode is < HttpCacheMode.Default or > HttpCacheMode.OnlyIfCached)
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a defined HttpCacheMode.");
        }

        s_anySet = true;
        request.Options.Set(ModeKey, mode);
        return request;
    }

    /// <summary>Gets how this request uses the HTTP cache: the mode set, or <see cref="HttpCacheMode.Default"/>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The mode.</returns>
    public static HttpCacheMode GetCacheMode(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return s_anySet && request.Options.TryGetValue(ModeKey, out var mode) ? mode : HttpCacheMode.Default;
    }

    /// <summary>
    /// Marks a POST as a query: the application vouches that it is safe and idempotent (as a GraphQL query or a search
    /// sent with POST is), so it is treated exactly as a QUERY (RFC 10008): retried after a transient failure with its
    /// content sent again whole, repeated with its content after a 301, 302, 307 or 308, cached by its content
    /// (<see cref="CacheOptions.MaxQueryContentBytes"/>), and it never invalidates stored responses. A POST is never
    /// treated so without this mark. The mark has no effect on other methods (a QUERY is a query already).
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="isQuery">Whether the request is a query; <see langword="false"/> takes a mark back. Default: <see langword="true"/>.</param>
    /// <returns>The same <paramref name="request"/>, for chaining.</returns>
    public static HttpRequestMessage MarkAsQuery(this HttpRequestMessage request, bool isQuery = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        StatusAwareHttp.Internal.QueryRequests.Mark(request, isQuery);
        return request;
    }

    /// <summary>Gets whether the request is marked as a query (<see cref="MarkAsQuery"/>).</summary>
    /// <param name="request">The request.</param>
    /// <returns><see langword="true"/> when marked.</returns>
    public static bool IsMarkedAsQuery(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return StatusAwareHttp.Internal.QueryRequests.IsMarked(request);
    }
}
