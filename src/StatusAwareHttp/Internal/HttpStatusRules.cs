namespace StatusAwareHttp.Internal;

/// <summary>What a status means to the library, one flag per rule; <see cref="HttpStatusRules.Of"/> gives a status's flags.</summary>
[Flags]
internal enum StatusTraits
{
    None = 0,

    /// <summary>A redirect that is followed (RFC 9110 §15.4); its method rule is <see cref="HttpStatusRules.RedirectMethod"/>.</summary>
    FollowedRedirect = 1 << 0,

    /// <summary>Stored without explicit freshness, heuristically (RFC 9110 §15.1, RFC 9111 §4.2.2).</summary>
    CacheableByDefault = 1 << 1,

    /// <summary>The same request may succeed later unchanged: transient, and retried by default.</summary>
    Transient = 1 << 2,

    /// <summary>Never transient, whatever <c>Retry-After</c> says: the request itself failed.</summary>
    NotTransient = 1 << 3,

    /// <summary>A stored response within its <c>stale-if-error</c> window may stand in for it (RFC 5861 §4).</summary>
    StaleIfError = 1 << 4,

    /// <summary>Carries no content (RFC 9110 §15.3.5, §15.3.6): the content handed back is empty.</summary>
    NoContent = 1 << 5,

    /// <summary>The server does not support the request's major version (RFC 9110 §15.6.6): HTTP/1.1 may be tried.</summary>
    VersionNotSupported = 1 << 7,

    /// <summary>With a <c>Retry-After</c>, the origin asks every request to wait (RFC 9110 §10.2.3, RFC 6585 §4): the client's gate for it closes.</summary>
    HoldsOrigin = 1 << 8,
}

/// <summary>
/// Every status rule of the library in one table: which redirects are followed and with which method, which statuses
/// are cacheable by default, transient (retried by default), covered by stale-if-error, empty, a version problem, or
/// hold their origin with a <c>Retry-After</c>. Every rule applies to QUERY (RFC 10008) as to GET: a QUERY is safe and
/// idempotent (§2), so transient statuses and connection failures are retried with its content sent again whole, and
/// it is cached (§2.7); only the redirect method differs from POST's (§2.5, <see cref="RedirectMethod"/>). The policies (<c>RedirectPolicy</c>, <c>CacheStrategy</c>,
/// <c>OriginAnswers</c>, <c>RetryPolicy</c>, <c>ErrorClassifier</c>, <c>VersionFallbackPolicy</c>,
/// <c>NoContentPolicy</c>), the handlers and <c>RetryOptions.StatusCodes</c>' default read it. Pure.
/// </summary>
internal static class HttpStatusRules
{
    /// <summary>The statuses retried by default (<c>RetryOptions.StatusCodes</c>): the transient ones.</summary>
    public static readonly int[] DefaultRetried = [408, 429, 502, 503, 504];

    /// <summary>The table: a status's traits. A status not listed has none.</summary>
    public static StatusTraits Of(int status) => status switch
    {
        200 or 203 => StatusTraits.CacheableByDefault,
        204 => StatusTraits.CacheableByDefault | StatusTraits.NoContent,
        205 => StatusTraits.NoContent,
        300 => StatusTraits.CacheableByDefault,                                   // §15.4.1: handed back, not followed
        301 or 308 => StatusTraits.FollowedRedirect | StatusTraits.CacheableByDefault,
        302 or 303 or 307 => StatusTraits.FollowedRedirect,                       // 304, 305, 306 are not followed
        400 or 403 => StatusTraits.NotTransient,                                  // §15.5.1, §15.5.4
        401 => StatusTraits.NotTransient,                                         // §15.5.2: needs credentials, not time
        404 or 405 => StatusTraits.CacheableByDefault | StatusTraits.NotTransient, // §15.5.5, §15.5.6
        408 => StatusTraits.Transient,                                            // §15.5.9
        429 => StatusTraits.Transient | StatusTraits.HoldsOrigin,                 // RFC 6585 §4
        410 or 414 or 501 => StatusTraits.CacheableByDefault,
        500 => StatusTraits.StaleIfError | StatusTraits.NotTransient,             // §15.6.1: retried only when the user adds it
        502 or 504 => StatusTraits.Transient | StatusTraits.StaleIfError,         // §15.6.3, §15.6.5
        503 => StatusTraits.Transient | StatusTraits.StaleIfError | StatusTraits.HoldsOrigin, // §15.6.4
        505 => StatusTraits.VersionNotSupported,
        _ => StatusTraits.None,
    };

    /// <summary>The method of the request that follows a redirect (RFC 9110 §15.4 and Fetch).</summary>
    public static HttpMethod RedirectMethod(int status, HttpMethod method) => status switch
    {
        // §15.4.4: the answer is fetched with GET; HEAD stays HEAD (Fetch). RFC 10008 §2.5: a 303 to a QUERY too.
        303 => method == HttpMethod.Head ? HttpMethod.Head : HttpMethod.Get,

        // §15.4.2, §15.4.3: user agents historically change POST to GET; browsers do, and so do we (also for a POST
        // the application marked as a query: the server may mean the PRG pattern).
        301 or 302 when method == HttpMethod.Post => HttpMethod.Get,

        // §15.4.8, §15.4.9, and 301/302 with any method but POST: the method is kept. RFC 10008 §2.5: a QUERY is
        // repeated as a QUERY, with its content, after 301, 302, 307 and 308 ("the exceptions for redirecting a POST
        // as a GET request after a 301 or 302 response do not apply to QUERY requests").
        _ => method,
    };

    public static bool IsFollowedRedirect(int status) => Has(status, StatusTraits.FollowedRedirect);

    public static bool IsHeuristicallyCacheable(int status) => Has(status, StatusTraits.CacheableByDefault);

    public static bool IsStaleIfErrorStatus(int status) => Has(status, StatusTraits.StaleIfError);

    public static bool HasNoContent(int status) => Has(status, StatusTraits.NoContent);

    public static bool IsVersionNotSupported(int status) => Has(status, StatusTraits.VersionNotSupported);

    /// <summary>Whether the same request may succeed later, unchanged; for a status the table says nothing about, an error with <c>Retry-After</c> (§10.2.3).</summary>
    public static bool IsTransient(int status, bool hasRetryAfter) =>
        Has(status, StatusTraits.Transient) || (hasRetryAfter && status is >= 400 and <= 599 && !Has(status, StatusTraits.NotTransient));

    /// <summary>Whether this status, sent with a <c>Retry-After</c>, holds every request to its origin for that long.</summary>
    public static bool HoldsOrigin(int status) => Has(status, StatusTraits.HoldsOrigin);

    /// <summary>Whether a response shows its origin answering again (a gate closed for it opens): not a 5xx, and not a transient 4xx (408, 429).</summary>
    public static bool ShowsOriginAnswering(int status) => status < 500 && !Has(status, StatusTraits.Transient);

    private static bool Has(int status, StatusTraits trait) => (Of(status) & trait) != 0;
}
