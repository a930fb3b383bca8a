namespace StatusAwareHttp.Internal;

/// <summary>Keys of <see cref="HttpRequestMessage.Options"/> that the handlers share.</summary>
internal static class StatusAwareRequestOptions
{
    /// <summary>
    /// Names of request headers that a handler of this library added (for example the cache's
    /// <c>If-None-Match</c>); the redirect handler removes them before it sends the request to another URI.
    /// </summary>
    public static readonly HttpRequestOptionsKey<HashSet<string>> LibraryAddedHeaders = new("StatusAwareHttp.LibraryAddedHeaders");

    /// <summary>Records that <paramref name="headerName"/> was added by the library, not the caller.</summary>
    public static void MarkLibraryAdded(HttpRequestMessage request, string headerName)
    {
        if (!request.Options.TryGetValue(LibraryAddedHeaders, out var names))
        {
            names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            request.Options.Set(LibraryAddedHeaders, names);
        }

        names.Add(headerName);
    }

    /// <summary>Removes every header the library added, and forgets them.</summary>
    public static void RemoveLibraryAdded(HttpRequestMessage request)
    {
        if (request.Options.TryGetValue(LibraryAddedHeaders, out var names))
        {
            foreach (var name in names)
            {
                request.Headers.Remove(name);
            }

            names.Clear();
        }
    }
}
