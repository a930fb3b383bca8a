namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// A GET as the cache looks it up: the request, its URI, its <c>Cache-Control</c> and the application's overrides.
/// On the stack: a hit makes nothing else (no key string, no exchange).
/// </summary>
/// <param name="Request">The caller's request.</param>
/// <param name="Uri">Its absolute URI.</param>
/// <param name="Directives">The request's Cache-Control directives.</param>
/// <param name="Override">The application's overrides (request mode, offline switch, URL rule); default when none.</param>
internal readonly record struct CacheLookup(HttpRequestMessage Request, Uri Uri, CacheDirectives Directives, CacheOverride Override);
