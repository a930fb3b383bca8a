using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The fetch of a GET the cache could not answer: collapsed with an identical request in flight or alone, and the
/// origin's full response, stored (teed into a <see cref="SharedBody"/>) or handed back as it is.
/// </summary>
/// <remarks>
/// The common paths (a miss that leads its key, a hit-for-pass or a request that goes alone) have one async frame
/// here, <see cref="ForwardAsync"/>, with as few live locals as the exchange allows; joining a flight in progress and
/// leading across the farm have frames of their own, made only when they happen.
/// </remarks>
internal sealed partial class CachingHandler
{
    /// <summary>
    /// Sends the request as it is. A miss joins an identical request already in flight, or becomes the one others join;
    /// a request whose own directives demand the origin (or forbid storing) goes alone, and so does one whose key's
    /// last answer could not be stored (hit-for-pass).
    /// </summary>
    private Task<HttpResponseMessage> FetchAsync(CacheExchange exchange, bool async, CancellationToken cancellationToken)
    {
        if (!CacheCoalescing.MayCollapse(exchange) || _coalescing.IsPass(exchange.Key))
        {
            return ForwardAsync(exchange, flight: null, async, cancellationToken);
        }

        var flight = _coalescing.TryLead(exchange.Key, out var current);
        if (flight is null)
        {
            return JoinFlightAsync(exchange, current, async, cancellationToken);
        }

        return _farm is null ? ForwardAsync(exchange, flight, async, cancellationToken) : LeadAcrossFarmAsync(exchange, flight, tookOver: false, async, cancellationToken);
    }

    /// <summary>
    /// Joins the flight in progress; when its leader fails, one waiting request leads anew and the others join it. A key
    /// whose last answer could not be stored is no longer collapsed (hit-for-pass).
    /// </summary>
    private async Task<HttpResponseMessage> JoinFlightAsync(CacheExchange exchange, InFlightRequest current, bool async, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await _coalescing.JoinAsync(current, exchange, async, cancellationToken).ConfigureAwait(false) is { } joined)
            {
                if (exchange.CountMiss)
                {
                    _metrics.Lookup(CacheOutcome.Miss);
                }

                return joined;
            }

            if (!current.LeaderFailed || _coalescing.IsPass(exchange.Key))
            {
                return await ForwardAsync(exchange, flight: null, async, cancellationToken).ConfigureAwait(false);
            }

            if (_coalescing.TryLead(exchange.Key, out current) is { } flight)
            {
                return await (_farm is null ? ForwardAsync(exchange, flight, async, cancellationToken) : LeadAcrossFarmAsync(exchange, flight, tookOver: true, async, cancellationToken)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Across the farm: the leader of the key here takes its lease, or is served what another instance stored.</summary>
    private async Task<HttpResponseMessage> LeadAcrossFarmAsync(CacheExchange exchange, InFlightRequest flight, bool tookOver, bool async, CancellationToken cancellationToken)
    {
        if (await _farm!.LeadAsync(exchange, flight, tookOver, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            _coalescing.End(exchange.Key, flight, failed: true);
            return stored;
        }

        return await ForwardAsync(exchange, flight, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the request to the origin, leading <paramref name="flight"/> when not null, and takes its full response.</summary>
    private async Task<HttpResponseMessage> ForwardAsync(CacheExchange exchange, InFlightRequest? flight, bool async, CancellationToken cancellationToken)
    {
        var sent = new SentRequest(RequestSnapshot.Take(exchange.Request.Headers), _time.GetUtcNow(), flight);
        HttpResponseMessage response;
        try
        {
            response = await SendInner(exchange.Request, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _coalescing.End(exchange.Key, flight, failed: true);
            if (exchange.Stale is not null && OriginFailure.IsOriginFailure(ex, cancellationToken) && StaleOnFailure(exchange, ex, cancellationToken) is { } staleResponse)
            {
                return staleResponse;
            }
            throw;
        }

        try
        {
            return await OnFullResponseAsync(response, exchange, sent).ConfigureAwait(false);
        }
        catch
        {
            _coalescing.End(exchange.Key, flight, failed: true);
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A full response from the origin to a GET: handed back as it is when it cannot be stored (or is too large), else
    /// with its body teed into a <see cref="SharedBody"/> that identical requests may read too and that is stored once
    /// read whole. When the origin answers a revalidation with a 500, 502, 503 or 504 and the stored response's
    /// stale-if-error allows, the stored response is served in its place.
    /// </summary>
    private async ValueTask<HttpResponseMessage> OnFullResponseAsync(HttpResponseMessage response, CacheExchange exchange, SentRequest sent)
    {
        var (uri, stale) = (exchange.Uri, exchange.Stale);
        var status = (int)response.StatusCode;
        var responseTime = _time.GetUtcNow();

        // RFC 5861 §4: a 500, 502, 503 or 504 (after the retries inside gave up) may be replaced by the stale response.
        if (stale is not null && HttpStatusRules.IsStaleIfErrorStatus(status) && _serving.TryStaleOnError(exchange, status) is { } staleResponse)
        {
            _coalescing.End(exchange.Key, sent.Flight);
            response.Dispose();
            return staleResponse;
        }

        if (exchange.CountMiss)
        {
            _metrics.Lookup(CacheOutcome.Miss);
        }

        // A response that says no-store is refused without capturing and parsing its lines.
        IReadOnlyList<KeyValuePair<string, string>>? headers = null;
        ResponseFields? parsed = null;
        var lifetime = TimeSpan.Zero;
        var tooLarge = false;
        var refusal = CacheHeaders.TryReadResponseDirectives(response, out var responseDirectives)
            ? CacheStrategy.RefusalBeforeParsing(status, exchange.Directives, responseDirectives)
            : StoreRefusal.None;
        refusal = CacheRules.Refusal(exchange.Override.Rule, refusal);
        if (refusal == StoreRefusal.None)
        {
            headers = CacheHeaders.Capture(response, responseTime);
            parsed = ResponseFields.Parse(status, headers);
            if (exchange.Override.Rule is { } rule)
            {
                (headers, parsed) = CacheRules.Apply(rule, headers, parsed);
            }

            lifetime = CacheStrategy.FreshnessLifetime(parsed, responseTime, _heuristic);
            refusal = CacheStrategy.CanStore(parsed, exchange.Directives, lifetime);
            tooLarge = refusal == StoreRefusal.None && parsed.ContentLength > _options.MaxEntryBytes;
        }

        if (stale is not null && _logger.IsEnabled(LogLevel.Debug))
        {
            Log.RevalidationReplaced(_logger, UriRedaction.Redact(uri), status);
        }

        if (refusal != StoreRefusal.None || tooLarge)
        {
            _coalescing.End(exchange.Key, sent.Flight);
            // Hit-for-pass: the resource answered with what cannot be stored (an error says nothing about that).
            if (refusal != StoreRefusal.NoStoreRequest && status < 500)
            {
                _coalescing.RememberPass(exchange.Key);
            }

            if (_logger.IsEnabled(LogLevel.Debug))
            {
                if (tooLarge)
                {
                    Log.TooLarge(_logger, UriRedaction.Redact(uri), _options.MaxEntryBytes);
                }
                else
                {
                    Log.NotStored(_logger, UriRedaction.Redact(uri), status, CacheStrategy.Describe(refusal));
                }
            }

            // The origin answered anew; what was stored for this request is outdated (a 5xx says nothing about it).
            if (stale is not null && status < 500 && refusal != StoreRefusal.NoStoreRequest)
            {
                await _variants.RemoveVariantAsync(exchange.Key, uri, exchange.Variants, stale).ConfigureAwait(false);
            }

            response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _status.Forward(exchange.Reason, status, detail: tooLarge ? "too-large" : exchange.Override.ForwardDetail));
            return response;
        }

        // Not refused: the lines were captured and parsed above.
        System.Diagnostics.Debug.Assert(headers is not null && parsed is not null, "Captured and parsed when not refused early.");
        _coalescing.Share(response, exchange, sent, headers, parsed, responseTime);
        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _status.Forward(exchange.Reason, status, lifetime, detail: exchange.Override.ForwardDetail));
        return response;
    }
}
