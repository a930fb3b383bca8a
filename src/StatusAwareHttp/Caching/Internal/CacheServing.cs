using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The responses the cache answers from storage: a hit (fresh, or stale where the request or stale-while-revalidate
/// allows), a stale response standing in for an origin error (RFC 5861 §4), and the 504 of <c>only-if-cached</c>
/// (RFC 9111 §5.2.1.7). Each carries <c>Age</c> (§5.1) and <c>Cache-Status</c> (RFC 9211), and is counted and logged.
/// </summary>
internal sealed class CacheServing
{
    private readonly CacheStatus _status;
    private readonly HeuristicSettings _heuristic;
    private readonly TimeProvider _time;
    private readonly CacheMetrics _metrics;
    private readonly ILogger _logger;

    public CacheServing(CacheStatus status, HeuristicSettings heuristic, TimeProvider time, CacheMetrics metrics, ILogger logger)
    {
        _status = status;
        _heuristic = heuristic;
        _time = time;
        _metrics = metrics;
        _logger = logger;
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
            _metrics.Lookup(CacheOutcome.Hit);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.Hit(_logger, UriRedaction.Redact(uri), (long)decision.Age.TotalSeconds, (long)decision.TimeToLive.TotalSeconds);
            }
        }
        else
        {
            _metrics.Lookup(CacheOutcome.Stale);
            LogStale(uri, decision.Action == LookupAction.ServeStale ? "max-stale" : "stale-while-revalidate", decision);
        }

        return Serve(entry, request, decision.Age, _status.Hit(decision.TimeToLive));
    }

    /// <summary>
    /// RFC 5861 §4: the stale response of <paramref name="exchange"/>, when it may stand in for the origin's error (a
    /// <paramref name="status"/>, or none for a connection failure) now, its age taken again; null when it may not.
    /// </summary>
    public HttpResponseMessage? TryStaleOnError(in CacheExchange exchange, int? status)
    {
        var entry = exchange.Stale!;
        var current = CacheStrategy.Decide(entry, exchange.Directives, _time.GetUtcNow(), _heuristic);
        var now = exchange.Decision with { Age = current.Age, Lifetime = current.Lifetime };
        if (!CacheStrategy.CanServeStaleOnError(entry.Parsed, exchange.Directives, now))
        {
            return null;
        }

        _metrics.Lookup(CacheOutcome.Stale);
        LogStale(exchange.Uri, status is { } s ? $"stale-if-error after {s}" : "stale-if-error after a connection failure", now);
        return Serve(entry, exchange.Request, now.Age, _status.Forward(exchange.Reason, status, now.TimeToLive, detail: "stale-if-error"));
    }

    /// <summary>§5.2.1.7: only-if-cached never goes forward; with nothing usable stored, the cache answers 504.</summary>
    public HttpResponseMessage OnlyIfCachedMiss(HttpRequestMessage request, Uri uri)
    {
        _metrics.Lookup(CacheOutcome.Miss);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.OnlyIfCachedMiss(_logger, UriRedaction.Redact(uri));
        }

        var response = new HttpResponseMessage(HttpStatusCode.GatewayTimeout) { RequestMessage = request };
        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _status.Detail("only-if-cached"));
        return response;
    }

    private void LogStale(Uri uri, string reason, LookupDecision decision)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            Log.ServedStale(_logger, UriRedaction.Redact(uri), reason, (long)decision.Staleness.TotalSeconds);
        }
    }
}
