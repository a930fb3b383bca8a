using System.Net;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The responses the application's overrides answer from storage: a stored response served under a request mode,
/// a rule or the offline switch, the 504 of only-if-cached and offline, and a stored response of any age when the
/// network is unreachable. Each shows its override in <c>Cache-Status</c> (<c>detail=</c>) and is counted and logged.
/// </summary>
internal sealed class CacheOverrides
{
    private readonly CacheStatus _status;
    private readonly HeuristicSettings _heuristic;
    private readonly TimeProvider _time;
    private readonly CacheMetrics _metrics;
    private readonly ILogger _logger;

    public CacheOverrides(CacheStatus status, HeuristicSettings heuristic, TimeProvider time, CacheMetrics metrics, ILogger logger)
    {
        _status = status;
        _heuristic = heuristic;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Serves <paramref name="entry"/> without contacting the origin, showing <paramref name="detail"/>.</summary>
    public HttpResponseMessage Serve(HttpCacheEntry entry, HttpRequestMessage request, Uri uri, LookupDecision decision, string detail)
    {
        _metrics.Lookup(decision.TimeToLive > TimeSpan.Zero ? CacheOutcome.Hit : CacheOutcome.Stale);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            ControlLog.ServedByOverride(_logger, UriRedaction.Redact(uri), detail, (long)decision.Age.TotalSeconds, (long)decision.TimeToLive.TotalSeconds);
        }

        return CacheServing.Serve(entry, request, decision.Age, string.Concat(_status.Hit(decision.TimeToLive), "; detail=", detail));
    }

    /// <summary>Answers 504 without contacting the origin: nothing usable is stored (only-if-cached, offline).</summary>
    public HttpResponseMessage GatewayTimeout(HttpRequestMessage request, Uri? uri, string detail)
    {
        _metrics.Lookup(CacheOutcome.Miss);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            ControlLog.GatewayTimeout(_logger, uri is null ? "(no URI)" : UriRedaction.Redact(uri), detail);
        }

        var response = new HttpResponseMessage(HttpStatusCode.GatewayTimeout) { RequestMessage = request };
        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _status.Detail(detail));
        return response;
    }

    /// <summary>
    /// <see cref="CacheOptions.ServeStaleWhenUnreachable"/>: the stale response of <paramref name="exchange"/>, whatever
    /// its age, when <paramref name="exception"/> says the network is unreachable; null otherwise.
    /// </summary>
    public HttpResponseMessage? TryServeUnreachable(in CacheExchange exchange, Exception exception, CancellationToken cancellationToken)
    {
        if (exchange.Stale is not { } entry || !NetworkUnreachable.Is(exception, cancellationToken))
        {
            return null;
        }

        var now = CacheStrategy.Decide(entry, exchange.Directives, _time.GetUtcNow(), _heuristic);
        _metrics.Lookup(CacheOutcome.Stale);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            ControlLog.ServedUnreachable(_logger, UriRedaction.Redact(exchange.Uri), (long)now.Staleness.TotalSeconds);
        }

        return CacheServing.Serve(entry, exchange.Request, now.Age, _status.Forward(exchange.Reason, status: null, now.TimeToLive, detail: CacheModes.OfflineDetail));
    }

    /// <summary>Adds <c>Cache-Status</c> to a response that went to the origin outside the cache (mode no-store).</summary>
    public HttpResponseMessage Bypassed(HttpResponseMessage response, Uri uri)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            ControlLog.Bypassed(_logger, UriRedaction.Redact(uri));
        }

        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _status.Forward(ForwardReason.Request, (int)response.StatusCode, detail: "no-store"));
        return response;
    }
}
