using System.Net;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// An origin response whose headers are known and whose body is being read into a <see cref="SharedBody"/>: what the
/// requests joining its flight are served from, and the owner of that body, which stores it once read whole. One
/// object per stored miss holds all of it (no closure, no delegates).
/// </summary>
internal sealed class SharedResponse : ISharedBodyOwner
{
    private readonly CacheCoalescing _coalescing;

    public SharedResponse(CacheCoalescing coalescing, HttpResponseMessage response, in CacheExchange exchange, in SentRequest sent, IReadOnlyList<KeyValuePair<string, string>> headers, ResponseFields parsed, IReadOnlyList<KeyValuePair<string, string?>> varyValues, DateTimeOffset responseTime, long maxBytes, TimeProvider time)
    {
        _coalescing = coalescing;
        StatusCode = response.StatusCode;
        Version = response.Version;
        ReasonPhrase = response.ReasonPhrase;
        Headers = headers;
        Parsed = parsed;
        VaryValues = varyValues;
        Key = exchange.Key;
        Uri = exchange.Uri;
        Variants = exchange.Variants;
        Stale = exchange.Stale;
        RequestTime = sent.RequestTime;
        ResponseTime = responseTime;
        Flight = sent.Flight;
        Body = new SharedBody(response.Content, parsed.ContentLength, maxBytes, this, time);
    }

    public HttpStatusCode StatusCode { get; }

    public Version Version { get; }

    public string? ReasonPhrase { get; }

    /// <summary>Gets the response's header lines as captured.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public ResponseFields Parsed { get; }

    /// <summary>Gets the request's values of the fields the response varies on.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> VaryValues { get; }

    public SharedBody Body { get; }

    /// <summary>Gets the cache key the body is stored under.</summary>
    public string Key { get; }

    public Uri Uri { get; }

    /// <summary>Gets the variants stored under <see cref="Key"/> when the request was looked up.</summary>
    public IReadOnlyList<HttpCacheEntry>? Variants { get; }

    /// <summary>Gets the stored response this one replaces, or null.</summary>
    public HttpCacheEntry? Stale { get; }

    public DateTimeOffset RequestTime { get; }

    public DateTimeOffset ResponseTime { get; }

    /// <summary>Gets the flight the request leads, or null.</summary>
    public InFlightRequest? Flight { get; }

    public ValueTask StoreAsync(byte[] body) => _coalescing.StoreAsync(this, body);

    public void Ended(BodyEnd end) => _coalescing.Ended(this, end);
}
