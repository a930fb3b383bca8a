namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// One GET the cache sends forward, from the lookup to the origin's answer: the one object per request that holds
/// the cache's state for it. It has its key; the variants stored under the key; why it goes forward; the stored
/// response the answer replaces or is validated against (<see cref="Stale"/>, null on a miss); and, once sent, the
/// request's fields as sent, when, and the in-flight entry it leads. Made when the request goes forward (OkHttp's
/// <c>CacheStrategy</c> hands its interceptor the same pair: the network request and the stored response).
/// </summary>
internal sealed class CacheExchange
{
    private readonly HttpRequestMessage _request;
    private readonly Uri _uri;
    private readonly CacheDirectives _directives;
    private readonly CacheOverride _override;

    // UTC ticks: 8 bytes where a DateTimeOffset takes 16, in an object made for every request that goes forward.
    private long _requestTicks;

    public CacheExchange(in CacheLookup lookup, string key, IReadOnlyList<HttpCacheEntry>? variants, ForwardReason reason, HttpCacheEntry? stale, bool countMiss)
    {
        _request = lookup.Request;
        _uri = lookup.Uri;
        _directives = lookup.Directives;
        _override = lookup.Override;
        Key = key;
        Variants = variants;
        Reason = reason;
        Stale = stale;
        CountMiss = countMiss;
    }

    /// <summary>Gets the caller's request.</summary>
    public HttpRequestMessage Request => _request;

    /// <summary>Gets its absolute URI.</summary>
    public Uri Uri => _uri;

    /// <summary>Gets the request's Cache-Control directives.</summary>
    public ref readonly CacheDirectives Directives => ref _directives;

    /// <summary>Gets the application's overrides (request mode, offline switch, URL rule).</summary>
    public ref readonly CacheOverride Override => ref _override;

    /// <summary>Gets the cache key (URI and credential partition).</summary>
    public string Key { get; }

    /// <summary>Gets what the store holds under <see cref="Key"/>, or null.</summary>
    public IReadOnlyList<HttpCacheEntry>? Variants { get; }

    /// <summary>Gets why the request goes forward (RFC 9211 <c>fwd</c>).</summary>
    public ForwardReason Reason { get; }

    /// <summary>Gets the stored response the origin's answer replaces or is validated against, or null on a miss.</summary>
    public HttpCacheEntry? Stale { get; }

    /// <summary>Gets a value indicating whether the lookup is still to be counted, once it is known whether it was a miss.</summary>
    public bool CountMiss { get; }

    /// <summary>Gets the request's header lines as sent (for <c>Vary</c>); empty until <see cref="Sent"/>.</summary>
    public RequestSnapshot Snapshot { get; private set; } = RequestSnapshot.Empty;

    /// <summary>Gets when the request was sent (§4.2.3 <c>request_time</c>).</summary>
    public DateTimeOffset RequestTime => new(_requestTicks, TimeSpan.Zero);

    /// <summary>Gets the in-flight entry the request leads (identical requests may join it), or null.</summary>
    public InFlightRequest? Flight { get; private set; }

    /// <summary>Gets the lookup this exchange went forward from.</summary>
    public CacheLookup Lookup => new(_request, _uri, _directives, _override);

    /// <summary>This exchange, leading <paramref name="flight"/> (identical requests may join it) or none.</summary>
    public CacheExchange Leading(InFlightRequest? flight)
    {
        Flight = flight;
        return this;
    }

    /// <summary>Records that the request is sent at <paramref name="requestTime"/>, its fields as they are now.</summary>
    public void Sent(DateTimeOffset requestTime)
    {
        Snapshot = RequestSnapshot.Take(_request.Headers);
        _requestTicks = requestTime.UtcTicks;
    }

    /// <summary>The exchange of the same request asked again without conditions: nothing stored stands behind it.</summary>
    public CacheExchange Unconditional() => new(Lookup, Key, Variants, ForwardReason.Request, stale: null, CountMiss);

    /// <summary>The terms the origin's answer to this exchange is held to.</summary>
    public AnswerTerms Terms(CacheContext context) => context.Terms(_override.Rule, _directives, Reason);
}
