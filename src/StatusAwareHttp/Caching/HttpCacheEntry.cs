using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp;

/// <summary>
/// One stored response, as plain data an <see cref="IHttpCacheStore"/> can serialise: the status, the header field
/// lines exactly as the origin sent them, the body, the times of the exchange, and the request header values its
/// <c>Vary</c> selected. Instances are immutable; an update (after a 304) makes a new one.
/// </summary>
public sealed class HttpCacheEntry
{
    private ResponseFields? _parsed;

    /// <summary>Makes an entry (the cache makes them; a store makes them when it reads its serialised form back).</summary>
    /// <param name="statusCode">The response status, 100 to 999.</param>
    /// <param name="headers">The response and content header field lines, name and raw value, in the order received.</param>
    /// <param name="body">The whole body.</param>
    /// <param name="requestTime">When the request that produced the response was sent (RFC 9111 §4.2.3 <c>request_time</c>).</param>
    /// <param name="responseTime">When the response was received (§4.2.3 <c>response_time</c>).</param>
    /// <param name="varyHeaders">The request header values the response's <c>Vary</c> names (see <see cref="VaryHeaders"/>).</param>
    public HttpCacheEntry(
        int statusCode,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        ReadOnlyMemory<byte> body,
        DateTimeOffset requestTime,
        DateTimeOffset responseTime,
        IReadOnlyList<KeyValuePair<string, string?>> varyHeaders)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 999);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(varyHeaders);
        StatusCode = statusCode;
        Headers = headers;
        Body = body;
        RequestTime = requestTime;
        ResponseTime = responseTime;
        VaryHeaders = varyHeaders;
    }

    /// <summary>Gets the response status.</summary>
    public int StatusCode { get; }

    /// <summary>
    /// Gets the response and content header field lines, one pair per line, with the values byte for byte as received
    /// (never re-serialised). Hop-by-hop fields (<c>Connection</c> and the fields it names, <c>Keep-Alive</c>, <c>TE</c>,
    /// <c>Transfer-Encoding</c>, <c>Upgrade</c>, <c>Proxy-Connection</c>) are not kept. A <c>Date</c> line is added when
    /// the origin sent none (RFC 9110 §6.6.1).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>Gets the whole response body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Gets when the request that produced this response was sent, from the cache's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset RequestTime { get; }

    /// <summary>Gets when this response was received, from the cache's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset ResponseTime { get; }

    /// <summary>
    /// Gets, for each field named by the response's <c>Vary</c>, the request's value, normalised (field lines joined,
    /// list members trimmed, case folded where the field is case-insensitive), or <see langword="null"/> when the request
    /// did not have the field. <c>Authorization</c>, <c>Proxy-Authorization</c> and <c>Cookie</c> are kept as
    /// <c>sha256:</c> hashes, never as their values.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string?>> VaryHeaders { get; }

    /// <summary>
    /// Gets a note from the store on where this entry was read from, added to <c>Cache-Status</c> as its <c>detail</c>
    /// when the entry is served (such as <c>detail=disk</c> from a file store); an sf-token. A store sets it on the
    /// entries it hands back; the cache never stores it. Default: <see langword="null"/> (no detail).
    /// </summary>
    public string? StoreDetail { get; init; }

    /// <summary>The headers parsed once (the entry is immutable); a benign race may parse twice.</summary>
    internal ResponseFields Parsed => _parsed ??= ResponseFields.Parse(this);

    /// <summary>
    /// Makes an entry whose headers were already parsed (from the same status and lines); lines and view equal to a
    /// recently stored entry's are shared with it (<see cref="StoredLines.ShareLayout"/>).
    /// </summary>
    internal static HttpCacheEntry Create(
        ResponseFields parsed,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        ReadOnlyMemory<byte> body,
        DateTimeOffset requestTime,
        DateTimeOffset responseTime,
        IReadOnlyList<KeyValuePair<string, string?>> varyHeaders)
    {
        StoredLines.ShareLayout(ref headers, ref parsed);
        return new(parsed.StatusCode, headers, body, requestTime, responseTime, varyHeaders) { _parsed = parsed };
    }
}
