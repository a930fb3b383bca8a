using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// Collapsed requests (RFC 9111 §4): the client's table of GETs in flight by cache key. A miss becomes the leader of
/// its key or joins the leader's response, reading the same body; the leader's response body is teed into a
/// <see cref="SharedBody"/> that is stored once read whole.
/// </summary>
internal sealed class CacheCoalescing
{
    private readonly ClientCache _cache;
    private readonly CacheVariants _variants;
    private readonly CacheStatus _status;
    private readonly long _maxEntryBytes;
    private readonly TimeProvider _time;
    private readonly CacheMetrics _metrics;
    private readonly ILogger _logger;

    public CacheCoalescing(ClientCache cache, CacheVariants variants, CacheStatus status, long maxEntryBytes, TimeProvider time, CacheMetrics metrics, ILogger logger)
    {
        _cache = cache;
        _variants = variants;
        _status = status;
        _maxEntryBytes = maxEntryBytes;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>
    /// Whether the request may share another's response: a caller that asks for a response made after its request
    /// (no-cache, max-age=0, or a request directive that forwarded it) or forbids storing goes alone.
    /// </summary>
    public static bool MayCollapse(in CacheExchange exchange) =>
        !exchange.Directives.NoStore
        && !exchange.Directives.NoCache
        && exchange.Directives.MaxAge is not (0 or CacheDirectives.Invalid)
        && exchange.Reason != ForwardReason.Request;

    /// <summary>Makes the request the leader of its key (its flight returned), or gives the flight in progress to join.</summary>
    public InFlightRequest? TryLead(string key, out InFlightRequest current)
    {
        var mine = new InFlightRequest();
        current = _cache.InFlight.GetOrAdd(key, mine);
        return ReferenceEquals(current, mine) ? mine : null;
    }

    /// <summary>Waits for the in-flight request's response and reads its body as well; null when it cannot be shared.</summary>
    public async Task<HttpResponseMessage?> JoinAsync(InFlightRequest flight, CacheExchange exchange, bool async, CancellationToken cancellationToken)
    {
        SharedResponse? shared;
        _cache.EnterWaiting();
        try
        {
            var waiting = flight.Response.WaitAsync(cancellationToken);
            shared = async ? await waiting.ConfigureAwait(false) : waiting.GetAwaiter().GetResult();
        }
        finally
        {
            _cache.ExitWaiting();
        }

        // §4.1: the shared response must be one this request could have been served from storage.
        var request = exchange.Request;
        if (shared is null || !CacheVary.Matches(shared.VaryValues, request.Headers) || shared.Body.TryAddReader() is not { } reader)
        {
            return null;
        }

        var content = new SharedBodyContent(shared.Body, reader);
        var response = new HttpResponseMessage(shared.StatusCode)
        {
            Version = shared.Version,
            ReasonPhrase = shared.ReasonPhrase,
            RequestMessage = request,
            Content = content,
        };
        CacheHeaders.AddLines(response, content, shared.Headers, shared.Parsed.Targets);
        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _status.Forward(exchange.Reason, (int)shared.StatusCode, collapsed: true));
        _metrics.Coalesced();
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Coalesced(_logger, UriRedaction.Redact(exchange.Uri));
        }

        return response;
    }

    /// <summary>
    /// Ends the flight the request leads (if any). Declined (<paramref name="failed"/> false: the response cannot be
    /// shared), the requests waiting on it go to the origin themselves; failed (the leader's request failed or was
    /// cancelled), one of them leads anew and the others join it. Taken out of the table first, so that a waiting
    /// request woken by the end finds the key free.
    /// </summary>
    public void End(string key, InFlightRequest? flight, bool failed = false)
    {
        if (flight is not null)
        {
            _cache.InFlight.TryRemove(new KeyValuePair<string, InFlightRequest>(key, flight));
            flight.FarmLease?.Release();
            if (failed)
            {
                flight.Fail();
            }
            else
            {
                flight.Decline();
            }
        }
    }

    /// <summary>
    /// Hit-for-pass (as Varnish names it): whether the key's last answer could not be stored, a short while ago; the
    /// requests for it then go to the origin each on its own, at once, instead of waiting on one another's headers.
    /// </summary>
    public bool IsPass(string key) => _cache.IsPass(key, _time.GetUtcNow());

    /// <summary>Remembers that the key's answer could not be stored (for <see cref="ClientCache.PassDuration"/>).</summary>
    public void RememberPass(string key) => _cache.RememberPass(key, _time.GetUtcNow());

    /// <summary>
    /// Tees the response's body into a <see cref="SharedBody"/> that the requests joining the flight read too and that
    /// is stored once read whole, and publishes it to them. The <see cref="SharedResponse"/> made here owns the body:
    /// it stores it (<see cref="StoreAsync"/>) and ends the flight (<see cref="Ended"/>).
    /// </summary>
    public void Share(HttpResponseMessage response, in CacheExchange exchange, in SentRequest sent, IReadOnlyList<KeyValuePair<string, string>> headers, ResponseFields parsed, DateTimeOffset responseTime)
    {
        _cache.ForgetPass(exchange.Key);
        var vary = CacheVary.Values(parsed.VaryNames, sent.Snapshot);
        var origin = response.Content;
        var shared = new SharedResponse(this, response, exchange, sent, headers, parsed, vary, responseTime, _maxEntryBytes, _time);
        var body = shared.Body;
        var content = new SharedBodyContent(body, body.TryAddReader()!);

        // Line by line, as strings: the enumerable overload would box each field's values and their enumerator.
        foreach (var field in origin.Headers.NonValidated)
        {
            foreach (var value in field.Value)
            {
                content.Headers.TryAddWithoutValidation(field.Key, value);
            }
        }

        response.Content = content;
        sent.Flight?.Publish(shared);
    }

    /// <summary>Stores the body of <paramref name="shared"/>, read whole.</summary>
    internal ValueTask StoreAsync(SharedResponse shared, byte[] bytes) =>
        _variants.StoreAsync(
            shared.Key,
            shared.Uri,
            shared.Variants,
            HttpCacheEntry.Create(shared.Parsed, StoredLines.Compact(shared.Headers), bytes, shared.RequestTime, shared.ResponseTime, shared.VaryValues),
            replacing: shared.Stale);

    /// <summary>The body of <paramref name="shared"/> ended: its flight ends (declined for any request still to come).</summary>
    internal void Ended(SharedResponse shared, BodyEnd end)
    {
        End(shared.Key, shared.Flight);
        if (end != BodyEnd.Complete && _logger.IsEnabled(LogLevel.Debug))
        {
            Log.BodyIncomplete(_logger, UriRedaction.Redact(shared.Uri), EndText(end));
        }
    }

    private static string EndText(BodyEnd end) => end switch
    {
        BodyEnd.TooLarge => "it is larger than Cache.MaxEntryBytes",
        BodyEnd.Abandoned => "the caller disposed the response before reading it whole",
        BodyEnd.OriginFailed => "the origin response failed before its end",
        _ => "complete",
    };
}
