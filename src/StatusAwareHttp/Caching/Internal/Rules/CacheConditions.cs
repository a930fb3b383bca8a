namespace StatusAwareHttp.Caching.Internal;

/// <summary>The validators the cache added to a request (§4.3.1), so that exactly those are taken off again.</summary>
[Flags]
internal enum AddedConditions : byte
{
    None = 0,
    IfNoneMatch = 1,
    IfModifiedSince = 2,
}

/// <summary>The validators the cache adds to a request to revalidate a stored response (RFC 9111 §4.3.1), and takes off again.</summary>
/// <remarks>
/// A GET that carries a condition of its own never reaches a revalidation (it passes through), so the fields added
/// here are the cache's alone; they are taken off as soon as the origin answered, before any outer handler (a
/// redirect) sees the request again, so nothing needs recording on the request itself.
/// </remarks>
internal static class CacheConditions
{
    public static AddedConditions Add(HttpRequestMessage request, ResponseFields stored)
    {
        // §4.3.1: the entity tag as stored (weak ones too, unquoted ones as the origin sent them), and Last-Modified.
        var added = AddedConditions.None;
        if (stored.ETag is { } etag && request.Headers.TryAddWithoutValidation("If-None-Match", etag))
        {
            added |= AddedConditions.IfNoneMatch;
        }

        if (stored.LastModifiedRaw is { } lastModified && request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified))
        {
            added |= AddedConditions.IfModifiedSince;
        }

        return added;
    }

    /// <summary>Leaves the caller's request as it came: without the validators the cache added.</summary>
    public static void Remove(HttpRequestMessage request, AddedConditions added)
    {
        if ((added & AddedConditions.IfNoneMatch) != 0)
        {
            request.Headers.Remove("If-None-Match");
        }

        if ((added & AddedConditions.IfModifiedSince) != 0)
        {
            request.Headers.Remove("If-Modified-Since");
        }
    }
}
