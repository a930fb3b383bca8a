using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>The validators the cache adds to a request to revalidate a stored response (RFC 9111 §4.3.1), and takes off again.</summary>
internal static class CacheConditions
{
    public static void Add(HttpRequestMessage request, StoredResponse stored)
    {
        // §4.3.1: the entity tag as stored (weak ones too, unquoted ones as the origin sent them), and Last-Modified.
        if (stored.ETag is { } etag && request.Headers.TryAddWithoutValidation("If-None-Match", etag))
        {
            StatusAwareRequestOptions.MarkLibraryAdded(request, "If-None-Match");
        }

        if (stored.LastModifiedRaw is { } lastModified && request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified))
        {
            StatusAwareRequestOptions.MarkLibraryAdded(request, "If-Modified-Since");
        }
    }

    /// <summary>Leaves the caller's request as it came: without the validators the cache added.</summary>
    public static void Remove(HttpRequestMessage request)
    {
        if (!request.Options.TryGetValue(StatusAwareRequestOptions.LibraryAddedHeaders, out var added))
        {
            return;
        }

        foreach (var name in (ReadOnlySpan<string>)["If-None-Match", "If-Modified-Since"])
        {
            if (added.Remove(name))
            {
                request.Headers.Remove(name);
            }
        }
    }
}
