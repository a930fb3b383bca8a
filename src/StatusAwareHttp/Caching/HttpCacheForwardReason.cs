namespace StatusAwareHttp;

/// <summary>
/// Why a cache went forward to the next hop instead of answering from storage: the <c>fwd</c> parameter of the
/// <c>Cache-Status</c> response field (RFC 9211 §2.2), as <see cref="HttpCacheStatus.ForwardReason"/> gives it.
/// </summary>
public enum HttpCacheForwardReason
{
    /// <summary>The cache did not go forward (<c>fwd</c> is absent): it answered from storage, or alone (a 504 for <c>only-if-cached</c>).</summary>
    None = 0,

    /// <summary><c>fwd=bypass</c>: the cache was configured not to handle this request.</summary>
    Bypass,

    /// <summary><c>fwd=method</c>: the request method's semantics require the request to be forwarded.</summary>
    Method,

    /// <summary><c>fwd=uri-miss</c>: the cache did not have a response stored for the URI.</summary>
    UriMiss,

    /// <summary><c>fwd=vary-miss</c>: responses were stored for the URI, but none matched the request's <c>Vary</c>'d fields.</summary>
    VaryMiss,

    /// <summary><c>fwd=miss</c>: the cache did not have a response to use (it does not say why).</summary>
    Miss,

    /// <summary><c>fwd=request</c>: the request's own directives (<c>no-cache</c>, <c>max-age=0</c>, a cache mode) asked for it.</summary>
    Request,

    /// <summary><c>fwd=stale</c>: the stored response was stale and had to be validated (a 304 then means it was served revalidated).</summary>
    Stale,

    /// <summary><c>fwd=partial</c>: only part of the response was stored.</summary>
    Partial,

    /// <summary>A <c>fwd</c> token RFC 9211 does not define.</summary>
    Other,
}
