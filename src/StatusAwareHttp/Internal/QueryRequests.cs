namespace StatusAwareHttp.Internal;

/// <summary>
/// Which requests are queries (RFC 10008): a QUERY, safe (RFC 9110 §9.2.1) and idempotent (§9.2.2) by definition
/// (RFC 10008 §2), and a POST the application marked as one (per request with
/// <see cref="HttpCacheRequestExtensions.MarkAsQuery"/>, or by a <see cref="CacheRule.PostIsQuery"/> rule, which the
/// cache turns into the same mark on the request, so the handlers inside it see it). A POST is never a query without that mark. Pure.
/// </summary>
internal static class QueryRequests
{
    /// <summary>The key of the mark in <see cref="HttpRequestMessage.Options"/>.</summary>
    internal static readonly HttpRequestOptionsKey<bool> MarkKey = new("StatusAwareHttp.PostAsQuery");

    // Until some request is marked, none is: reading HttpRequestMessage.Options would allocate them.
    private static volatile bool s_anyMarked;

    /// <summary>Whether <paramref name="request"/> is a query: a QUERY, or a POST marked as one.</summary>
    public static bool IsQuery(HttpRequestMessage request) =>
        request.Method == HttpMethod.Query || (request.Method == HttpMethod.Post && IsMarked(request));

    /// <summary>Whether <paramref name="request"/> carries the mark (whatever its method).</summary>
    public static bool IsMarked(HttpRequestMessage request) =>
        s_anyMarked && request.Options.TryGetValue(MarkKey, out var marked) && marked;

    /// <summary>Whether the application said, one way or the other, whether <paramref name="request"/> is a query.</summary>
    public static bool HasMark(HttpRequestMessage request) => s_anyMarked && request.Options.TryGetValue(MarkKey, out _);

    /// <summary>Marks (or unmarks) <paramref name="request"/> as a query.</summary>
    public static void Mark(HttpRequestMessage request, bool isQuery)
    {
        // Unmarking is kept too (a rule then leaves the request alone), so the flag is set either way.
        s_anyMarked = true;
        request.Options.Set(MarkKey, isQuery);
    }
}
