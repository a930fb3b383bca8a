using System.Net;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// A request on its way to the origin that identical requests (same cache key) may join (RFC 9111 §4: collapsed
/// requests). The first request publishes the response once its headers arrive, or declines (not shareable).
/// </summary>
/// <remarks>
/// Most in-flight requests are never joined, so the task the joiners wait on is made only when the first one asks:
/// the state is null (pending, nobody waiting), the waiters' <see cref="TaskCompletionSource{TResult}"/>, or, when it
/// ended before anyone waited, the <see cref="SharedResponse"/> or <see cref="s_declined"/>. The first outcome wins.
/// </remarks>
internal sealed class InFlightRequest
{
    private static readonly object s_declined = new();

    private object? _state;
    private volatile bool _leaderFailed;

    public Task<SharedResponse?> Response
    {
        get
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                switch (state)
                {
                    case TaskCompletionSource<SharedResponse?> waiting:
                        return waiting.Task;
                    case SharedResponse response:
                        return Task.FromResult<SharedResponse?>(response);
                    case not null:
                        return Task.FromResult<SharedResponse?>(null);
                }

                var created = new TaskCompletionSource<SharedResponse?>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (Interlocked.CompareExchange(ref _state, created, null) is null)
                {
                    return created.Task;
                }
            }
        }
    }

    public void Publish(SharedResponse response) => End(response);

    /// <summary>Gets or sets the farm-wide lease the leader holds for the key (<see cref="FarmCoalescing"/>), released when the flight ends.</summary>
    public HttpCacheLease? FarmLease { get; set; }

    /// <summary>Gets a value indicating whether the leader's request failed or was cancelled (so a waiting request may take over).</summary>
    public bool LeaderFailed => _leaderFailed;

    /// <summary>Tells the waiting requests to go to the origin themselves.</summary>
    public void Decline() => End(null);

    /// <summary>Tells the waiting requests that the leader's request failed or was cancelled: one of them may lead anew.</summary>
    public void Fail()
    {
        _leaderFailed = true;
        End(null);
    }

    private void End(SharedResponse? response)
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state is TaskCompletionSource<SharedResponse?> waiting)
            {
                waiting.TrySetResult(response);
                return;
            }

            if (state is not null || Interlocked.CompareExchange(ref _state, response ?? s_declined, null) is null)
            {
                return;
            }
        }
    }
}

/// <summary>
/// An origin response whose headers are known and whose body is being read into a <see cref="SharedBody"/>: what the
/// requests joining its flight are served from, and the owner of that body, which stores it once read whole. One
/// object per stored miss holds all of it (no closure, no delegates).
/// </summary>
internal sealed class SharedResponse : ISharedBodyOwner
{
    private readonly CacheCoalescing _coalescing;

    public SharedResponse(CacheCoalescing coalescing, HttpResponseMessage response, in CacheExchange exchange, in SentRequest sent, IReadOnlyList<KeyValuePair<string, string>> headers, StoredResponse parsed, IReadOnlyList<KeyValuePair<string, string?>> varyValues, DateTimeOffset responseTime, long maxBytes, TimeProvider time)
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

    public StoredResponse Parsed { get; }

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
