using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The fetch of a GET the cache could not answer: collapsed with an identical request in flight or alone, and the
/// origin's full response, stored (teed into a <see cref="SharedBody"/>) or handed back as it is.
/// </summary>
/// <remarks>
/// The common paths (a miss that leads its key, a hit-for-pass or a request that goes alone) have one async frame
/// here, <see cref="ForwardAsync"/>, which holds the exchange by reference; joining a flight in progress and leading
/// across the farm have frames of their own, made only when they happen.
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
            return ForwardAsync(exchange.Leading(null), async, cancellationToken);
        }

        var flight = _context.Cache.TryLead(exchange.Key, out var current);
        if (flight is null)
        {
            return JoinFlightAsync(exchange, current, async, cancellationToken);
        }

        return _farm is { } farm ? LeadAcrossFarmAsync(farm, exchange, flight, tookOver: false, async, cancellationToken) : ForwardAsync(exchange.Leading(flight), async, cancellationToken);
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
                    _context.Metrics.Lookup(CacheOutcome.Miss, exchange.Request.Method);
                }

                return joined;
            }

            if (!current.LeaderFailed || _coalescing.IsPass(exchange.Key))
            {
                return await ForwardAsync(exchange.Leading(null), async, cancellationToken).ConfigureAwait(false);
            }

            if (_context.Cache.TryLead(exchange.Key, out current) is { } flight)
            {
                return await (_farm is { } farm ? LeadAcrossFarmAsync(farm, exchange, flight, tookOver: true, async, cancellationToken) : ForwardAsync(exchange.Leading(flight), async, cancellationToken)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Across the farm: the leader of the key here takes its lease, or is served what another instance stored.</summary>
    private async Task<HttpResponseMessage> LeadAcrossFarmAsync(FarmCoalescing farm, CacheExchange exchange, InFlightRequest flight, bool tookOver, bool async, CancellationToken cancellationToken)
    {
        if (await farm.LeadAsync(exchange, flight, tookOver, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            _context.Cache.EndFlight(exchange.Key, flight, failed: true);
            return stored;
        }

        return await ForwardAsync(exchange.Leading(flight), async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the request to the origin, leading its flight (<see cref="CacheExchange.Flight"/>) when it has one, and takes its full response.</summary>
    private async Task<HttpResponseMessage> ForwardAsync(CacheExchange exchange, bool async, CancellationToken cancellationToken)
    {
        exchange.Sent(_context.Time.GetUtcNow());
        if (_context.Options.WantReprDigest)
        {
            Digests.Internal.DigestFields.AskForReprDigest(exchange.Request);
        }

        HttpResponseMessage response;
        try
        {
            response = await SendInner(exchange.Request, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _context.Cache.EndFlight(exchange.Key, exchange.Flight, failed: true);
            if (exchange.Stale is { } stale && OriginFailure.IsOriginFailure(ex, cancellationToken) && StaleOnFailure(exchange, stale, ex, cancellationToken) is { } staleResponse)
            {
                return staleResponse;
            }
            throw;
        }

        try
        {
            return await OnFullResponseAsync(response, exchange).ConfigureAwait(false);
        }
        catch
        {
            _context.Cache.EndFlight(exchange.Key, exchange.Flight, failed: true);
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A full response from the origin to a GET, decided by <see cref="OriginAnswers"/>: handed back as it is when it
    /// cannot be stored (or is too large), else with its body teed into a <see cref="SharedBody"/> that identical
    /// requests may read too and that is stored once read whole. When the origin answers a revalidation with a 500, 502,
    /// 503 or 504 and the stored response's stale-if-error allows, the stored response is served in its place.
    /// </summary>
    private async ValueTask<HttpResponseMessage> OnFullResponseAsync(HttpResponseMessage response, CacheExchange exchange)
    {
        var (uri, stale) = (exchange.Uri, exchange.Stale);
        var status = (int)response.StatusCode;
        var responseTime = _context.Time.GetUtcNow();

        // A response that says no-store is refused without capturing its lines.
        var early = OriginAnswers.RefusalBeforeCapture(
            status, exchange.Directives, CacheHeaders.TryReadResponseDirectives(response, out var directives) ? directives : null, exchange.Override.Rule);
        var lines = early == StoreRefusal.None ? CacheHeaders.Capture(response, responseTime) : null;
        var outcome = OriginAnswers.Decide(AnswerPath.Foreground, new OriginAnswer(status, lines, early, exchange.RequestTime, responseTime), stale, exchange.Terms(_context));

        // RFC 5861 §4: a 500, 502, 503 or 504 (after the retries inside gave up) may be replaced by the stale response.
        if (outcome.Effect == AnswerEffect.ServeStale && stale is not null)
        {
            _context.Cache.EndFlight(exchange.Key, exchange.Flight);
            response.Dispose();
            return _answers.StaleOnError(exchange, stale, outcome.Stale, status);
        }

        if (exchange.CountMiss)
        {
            _context.Metrics.Lookup(CacheOutcome.Miss, exchange.Request.Method);
        }

        if (stale is not null && _context.Logger.IsEnabled(LogLevel.Debug))
        {
            Log.RevalidationReplaced(_context.Logger, UriRedaction.Redact(uri), status);
        }

        if (outcome is { Effect: AnswerEffect.Store, Lines: { } stored, Fields: { } fields })
        {
            _coalescing.Share(response, exchange, stored, fields, responseTime);
            response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _context.Status.Forward(exchange.Reason, status, outcome.Lifetime, detail: exchange.Override.ForwardDetail));
            return response;
        }

        _context.Cache.EndFlight(exchange.Key, exchange.Flight);
        if (outcome.RemembersPass(status))
        {
            // Hit-for-pass: the resource answered with what cannot be stored (an error says nothing about that).
            _coalescing.RememberPass(exchange.Key);
        }

        if (_context.Logger.IsEnabled(LogLevel.Debug))
        {
            if (outcome.TooLarge)
            {
                Log.TooLarge(_context.Logger, UriRedaction.Redact(uri), _context.Options.MaxEntryBytes);
            }
            else
            {
                Log.NotStored(_context.Logger, UriRedaction.Redact(uri), status, CacheStrategy.Describe(outcome.Refusal));
            }
        }

        if (outcome.Effect == AnswerEffect.Remove && stale is not null)
        {
            await _variants.RemoveVariantAsync(exchange.Key, uri, exchange.Variants, stale).ConfigureAwait(false);
        }

        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _context.Status.Forward(exchange.Reason, status, detail: outcome.TooLarge ? CacheStatus.TooLargeDetail : exchange.Override.ForwardDetail));
        return response;
    }
}
