using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// Cross-instance collapsed requests: the leader of a key within this instance (<see cref="CacheCoalescing"/>) asks the
/// client's <see cref="IHttpCacheCoordinator"/> for the key's farm-wide lease before it goes to the origin. Held, the
/// lease travels with the flight and is released when the flight ends (after the entry was stored); taken by another
/// instance, the leader waits for its release and serves what the shared store then holds, or asks again.
/// </summary>
internal sealed class FarmCoalescing
{
    /// <summary>How many times one request asks for the lease before it goes on alone (each wait is bounded by the coordinator).</summary>
    public const int MaxAttempts = 3;

    private readonly IHttpCacheCoordinator _coordinator;
    private readonly CacheContext _context;
    private readonly CacheAnswers _answers;

    public FarmCoalescing(IHttpCacheCoordinator coordinator, CacheContext context, CacheAnswers answers)
    {
        _coordinator = coordinator;
        _context = context;
        _answers = answers;
    }

    /// <summary>
    /// Takes the key's lease for <paramref name="flight"/> (then null: the request goes to the origin), or serves the
    /// response another instance stored while this one waited. <paramref name="lookFirst"/>: the store is read before
    /// the lease is asked for (a request that took over a local flight whose leader was served so).
    /// </summary>
    public async ValueTask<HttpResponseMessage?> LeadAsync(CacheExchange exchange, InFlightRequest flight, bool lookFirst, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if ((lookFirst || attempt > 0) && await TryServeStoredAsync(exchange, cancellationToken).ConfigureAwait(false) is { } served)
            {
                return served;
            }

            HttpCacheLease lease;
            try
            {
                lease = await _coordinator.AcquireAsync(exchange.Key, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.FarmLeaseFailed(_context.Logger, UriRedaction.Redact(exchange.Uri), ex);
                return null;
            }

            switch (lease.Outcome)
            {
                case HttpCacheLeaseOutcome.Acquired:
                    flight.FarmLease = lease;
                    return null;
                case HttpCacheLeaseOutcome.Released:
                    continue;
                default:
                    return null;
            }
        }

        return await TryServeStoredAsync(exchange, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serves the stored response for the request when the store now holds a fresh one.</summary>
    private async ValueTask<HttpResponseMessage?> TryServeStoredAsync(CacheExchange exchange, CancellationToken cancellationToken)
    {
        var (request, uri) = (exchange.Request, exchange.Uri);
        var variants = await _context.Variants.ReadAsync(exchange.Key, uri, cancellationToken).ConfigureAwait(false);
        if (_context.Variants.Select(exchange.Key, uri, ref variants, request.Headers) is not { } entry)
        {
            return null;
        }

        var decision = CacheStrategy.Decide(entry, exchange.Directives, _context.Time.GetUtcNow(), _context.Heuristic);
        return decision.Action is LookupAction.Fresh or LookupAction.ServeStale ? _answers.Hit(entry, request, uri, decision) : null;
    }
}
