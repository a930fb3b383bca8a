namespace StatusAwareHttp;

/// <summary>Sets and reads the <see cref="HttpCacheMode"/> of one request (kept in <see cref="HttpRequestMessage.Options"/>).</summary>
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
}
