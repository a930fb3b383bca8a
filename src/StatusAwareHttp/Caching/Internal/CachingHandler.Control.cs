using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The application's overrides in the decision loop: request modes (<see cref="HttpCacheMode"/>), URL rules and the
/// offline switch. Decisions come from <see cref="CacheModes"/> (pure); the responses from <see cref="CacheOverrides"/>.
/// </summary>
internal sealed partial class CachingHandler
{
    /// <summary>Offline, a request the cache cannot answer from storage (not a GET, or a conditional one) gets a 504 without a network call.</summary>
    private HttpResponseMessage? RefuseOffline(HttpRequestMessage request) =>
        _clientCache.Offline ? _overrides.GatewayTimeout(request, request.RequestUri, CacheModes.OfflineDetail) : null;

    /// <summary>The overrides of a GET of <paramref name="uri"/>.</summary>
    private CacheOverride OverrideOf(HttpRequestMessage request, Uri uri) =>
        CacheModes.For(request.GetCacheMode(), _clientCache.Offline, _rules.Match(uri));

    /// <summary>Mode no-store: the cache is not used at all.</summary>
    private async Task<HttpResponseMessage> BypassAsync(HttpRequestMessage request, Uri uri, bool async, CancellationToken cancellationToken)
    {
        var response = await SendInner(request, async, cancellationToken).ConfigureAwait(false);
        return _overrides.Bypassed(response, uri);
    }

    /// <summary>What the request's mode makes of the lookup; null when the mode leaves it to RFC 9111.</summary>
    private Task<HttpResponseMessage>? OnOverride(CacheExchange exchange, HttpCacheEntry? entry, bool async, CancellationToken cancellationToken)
    {
        var (request, uri, over) = (exchange.Request, exchange.Uri, exchange.Override);
        var (action, lookup) = CacheModes.Decide(over.Mode, entry, exchange.Directives, _time.GetUtcNow(), _heuristic);
        switch (action)
        {
            case ModeAction.Serve:
                return Task.FromResult(_overrides.Serve(entry!, request, uri, lookup, over.Detail!));

            case ModeAction.GatewayTimeout:
                return Task.FromResult(_overrides.GatewayTimeout(request, uri, over.Detail!));

            case ModeAction.Validate:
                LogForwarded(uri, over.Detail!);
                exchange = exchange with { Reason = ForwardReason.Request, Stale = entry, Decision = lookup, CountMiss = true };
                return entry!.Parsed.HasValidator ? RevalidateAsync(exchange, async, cancellationToken) : FetchAsync(exchange, async, cancellationToken);

            case ModeAction.Fetch:
                LogForwarded(uri, over.Detail!);
                var reason = over.Mode == HttpCacheMode.Reload ? ForwardReason.Request
                    : exchange.Variants is { Count: > 0 } ? ForwardReason.VaryMiss : ForwardReason.UriMiss;
                return FetchAsync(exchange with { Reason = reason, Stale = null, CountMiss = true }, async, cancellationToken);

            default:
                return null;
        }
    }

    /// <summary>A default-mode hit on a URI a rule governs shows <c>detail=rule</c>.</summary>
    private HttpResponseMessage ServeHit(in CacheExchange exchange, HttpCacheEntry entry, LookupDecision decision) =>
        exchange.Override.Rule is not null && decision.Action == LookupAction.Fresh
            ? _overrides.Serve(entry, exchange.Request, exchange.Uri, decision, CacheModes.RuleDetail)
            : _serving.Hit(entry, exchange.Request, exchange.Uri, decision);

    /// <summary>RFC 5861 §4 stale-if-error on a failure to answer, else (when allowed) a stored response of any age when the network is unreachable.</summary>
    private HttpResponseMessage? StaleOnFailure(in CacheExchange exchange, Exception exception, CancellationToken cancellationToken) =>
        _serving.TryStaleOnError(exchange, status: null)
        ?? (_options.ServeStaleWhenUnreachable ? _overrides.TryServeUnreachable(exchange, exception, cancellationToken) : null);

    private void LogForwarded(Uri uri, string detail)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            ControlLog.Forwarded(_logger, UriRedaction.Redact(uri), detail);
        }
    }
}
