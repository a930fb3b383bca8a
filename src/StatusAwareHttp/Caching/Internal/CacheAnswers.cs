using System.Net;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The responses the cache answers from storage, made in one place: a hit (fresh, or stale where the request or
/// stale-while-revalidate allows), a stored response served under an override (a request mode, a URL rule, the
/// offline switch), a stale response standing in for an origin error (RFC 5861 §4) or an unreachable network, a
/// revalidated one, and the 504 when nothing usable is stored (<c>only-if-cached</c>, RFC 9111 §5.2.1.7; offline).
/// Each carries <c>Age</c> (§5.1) and <c>Cache-Status</c> (RFC 9211), and is counted and logged.
/// </summary>
internal sealed class CacheAnswers
{
    private readonly CacheContext _context;

    public CacheAnswers(CacheContext context)
    {
        _context = context;
    }

    /// <summary>§4: a response served from storage carries its current age (§5.1) and how the cache handled it (RFC 9211).</summary>
    public static HttpResponseMessage Serve(HttpCacheEntry entry, HttpRequestMessage request, TimeSpan age, string cacheStatus)
    {
        var response = CacheHeaders.ToResponse(entry, request);
        response.Headers.TryAddWithoutValidation("Age", CacheHeaders.AgeValue(age));
        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, CacheStatus.WithStoreDetail(cacheStatus, entry.StoreDetail));
        return response;
    }

    /// <summary>Serves a stored response without going forward: fresh, or stale by <c>max-stale</c> or <c>stale-while-revalidate</c>.</summary>
    public HttpResponseMessage Hit(HttpCacheEntry entry, HttpRequestMessage request, Uri uri, LookupDecision decision)
    {
        if (decision.Action == LookupAction.Fresh)
        {
            _context.Metrics.Lookup(CacheOutcome.Hit, request.Method);
            if (_context.Logger.IsEnabled(LogLevel.Debug))
            {
                Log.Hit(_context.Logger, UriRedaction.Redact(uri), (long)decision.Age.TotalSeconds, (long)decision.TimeToLive.TotalSeconds);
            }
        }
        else
        {
            _context.Metrics.Lookup(CacheOutcome.Stale, request.Method);
            LogStale(uri, decision.Action == LookupAction.ServeStale ? "max-stale" : "stale-while-revalidate", decision);
        }

        return Serve(entry, request, decision.Age, _context.Status.Hit(decision.TimeToLive));
    }

    /// <summary>Serves <paramref name="entry"/> under an override, without contacting the origin, showing <paramref name="detail"/>.</summary>
    public HttpResponseMessage Overridden(HttpCacheEntry entry, HttpRequestMessage request, Uri uri, LookupDecision decision, string detail)
    {
        _context.Metrics.Lookup(decision.TimeToLive > TimeSpan.Zero ? CacheOutcome.Hit : CacheOutcome.Stale, request.Method);
        if (_context.Logger.IsEnabled(LogLevel.Debug))
        {
            ControlLog.ServedByOverride(_context.Logger, UriRedaction.Redact(uri), detail, (long)decision.Age.TotalSeconds, (long)decision.TimeToLive.TotalSeconds);
        }

        return Serve(entry, request, decision.Age, string.Concat(_context.Status.Hit(decision.TimeToLive), "; detail=", detail));
    }

    /// <summary>
    /// RFC 5861 §4: <paramref name="stale"/> standing in for the origin's error (a <paramref name="status"/>, or none
    /// for a connection failure), at the ages <see cref="OriginAnswers.Decide"/> found it may (<paramref name="now"/>).
    /// </summary>
    public HttpResponseMessage StaleOnError(CacheExchange exchange, HttpCacheEntry stale, LookupDecision now, int? status)
    {
        _context.Metrics.Lookup(CacheOutcome.Stale, exchange.Request.Method);
        LogStale(exchange.Uri, status is { } s ? $"stale-if-error after {s}" : "stale-if-error after a connection failure", now);
        return Serve(stale, exchange.Request, now.Age, _context.Status.Forward(exchange.Reason, status, now.TimeToLive, detail: CacheStatus.StaleIfErrorDetail));
    }

    /// <summary>
    /// <see cref="CacheOptions.ServeStaleWhenUnreachable"/>: <paramref name="stale"/>, whatever its age, when
    /// <paramref name="exception"/> says the network is unreachable; null otherwise.
    /// </summary>
    public HttpResponseMessage? Unreachable(CacheExchange exchange, HttpCacheEntry stale, Exception exception, CancellationToken cancellationToken)
    {
        if (!NetworkUnreachable.Is(exception, cancellationToken))
        {
            return null;
        }

        var now = CacheStrategy.Decide(stale, exchange.Directives, _context.Time.GetUtcNow(), _context.Heuristic);
        _context.Metrics.Lookup(CacheOutcome.Stale, exchange.Request.Method);
        if (_context.Logger.IsEnabled(LogLevel.Information))
        {
            ControlLog.ServedUnreachable(_context.Logger, UriRedaction.Redact(exchange.Uri), (long)now.Staleness.TotalSeconds);
        }

        return Serve(stale, exchange.Request, now.Age, _context.Status.Forward(exchange.Reason, status: null, now.TimeToLive, detail: CacheStatus.OfflineDetail));
    }

    /// <summary>§4.3.4: the stored response a 304 updated (<paramref name="updated"/>), timed by that exchange.</summary>
    public HttpResponseMessage Revalidated(CacheExchange exchange, HttpCacheEntry stale, HttpCacheEntry updated, DateTimeOffset responseTime, TimeSpan lifetime)
    {
        var age = CacheStrategy.CurrentAge(updated.Parsed, exchange.RequestTime, responseTime, _context.Time.GetUtcNow());
        _context.Metrics.Lookup(CacheOutcome.Revalidated, exchange.Request.Method);
        if (_context.Logger.IsEnabled(LogLevel.Debug))
        {
            Log.Revalidated(_context.Logger, UriRedaction.Redact(exchange.Uri), stale.StatusCode);
        }

        return Serve(updated, exchange.Request, age, _context.Status.Forward(exchange.Reason, 304, lifetime - age, detail: exchange.Override.ForwardDetail));
    }

    /// <summary>§5.2.1.7: the request's <c>only-if-cached</c> never goes forward; with nothing usable stored, the cache answers 504.</summary>
    public HttpResponseMessage OnlyIfCachedMiss(HttpRequestMessage request, Uri uri)
    {
        if (_context.Logger.IsEnabled(LogLevel.Debug))
        {
            Log.OnlyIfCachedMiss(_context.Logger, UriRedaction.Redact(uri));
        }

        return GatewayTimeout(request, CacheStatus.OnlyIfCachedDetail);
    }

    /// <summary>An override (mode only-if-cached, offline) answers 504 without contacting the origin: nothing usable is stored.</summary>
    public HttpResponseMessage OverrideGatewayTimeout(HttpRequestMessage request, Uri? uri, string detail)
    {
        if (_context.Logger.IsEnabled(LogLevel.Debug))
        {
            ControlLog.GatewayTimeout(_context.Logger, uri is null ? "(no URI)" : UriRedaction.Redact(uri), detail);
        }

        return GatewayTimeout(request, detail);
    }

    /// <summary>The cache's own 504, counted as a miss: the one place it is made.</summary>
    private HttpResponseMessage GatewayTimeout(HttpRequestMessage request, string detail)
    {
        _context.Metrics.Lookup(CacheOutcome.Miss, request.Method);
        var response = new HttpResponseMessage(HttpStatusCode.GatewayTimeout) { RequestMessage = request };
        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _context.Status.Detail(detail));
        return response;
    }

    private void LogStale(Uri uri, string reason, LookupDecision decision)
    {
        if (_context.Logger.IsEnabled(LogLevel.Information))
        {
            Log.ServedStale(_context.Logger, UriRedaction.Redact(uri), reason, (long)decision.Staleness.TotalSeconds);
        }
    }
}
