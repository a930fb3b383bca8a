using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The application's overrides in the decision loop: request modes (<see cref="HttpCacheMode"/>), URL rules and the
/// offline switch. Decisions come from <see cref="CacheModes"/> (pure); the responses from <see cref="CacheAnswers"/>.
/// </summary>
internal sealed partial class CachingHandler
{
    /// <summary>Offline, a request the cache cannot answer from storage (not a GET, or a conditional one) gets a 504 without a network call.</summary>
    private HttpResponseMessage? RefuseOffline(HttpRequestMessage request) =>
        _context.Cache.Offline ? _answers.OverrideGatewayTimeout(request, request.RequestUri, CacheStatus.OfflineDetail) : null;

    /// <summary>The overrides of a GET of <paramref name="uri"/>.</summary>
    private CacheOverride OverrideOf(HttpRequestMessage request, Uri uri) =>
        CacheModes.For(request.GetCacheMode(), _context.Cache.Offline, _context.Rules.Match(uri));

    /// <summary>Mode no-store: the cache is not used at all; the response shows it went to the origin outside the cache.</summary>
    private async Task<HttpResponseMessage> BypassAsync(HttpRequestMessage request, Uri uri, bool async, CancellationToken cancellationToken)
    {
        var response = await SendInner(request, async, cancellationToken).ConfigureAwait(false);
        if (_context.Logger.IsEnabled(LogLevel.Debug))
        {
            ControlLog.Bypassed(_context.Logger, UriRedaction.Redact(uri));
        }

        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _context.Status.Forward(ForwardReason.Request, (int)response.StatusCode, detail: CacheStatus.NoStoreDetail));
        return response;
    }

    /// <summary>What the request's mode makes of the lookup; null when the mode leaves it to RFC 9111.</summary>
    private Task<HttpResponseMessage>? OnOverride(in CacheLookup lookup, string? key, IReadOnlyList<HttpCacheEntry>? variants, HttpCacheEntry? entry, bool async, CancellationToken cancellationToken)
    {
        var (request, uri, over) = (lookup.Request, lookup.Uri, lookup.Override);
        var (action, decision) = CacheModes.Decide(over.Mode, entry, lookup.Directives, _context.Time.GetUtcNow(), _context.Heuristic);
        switch (action)
        {
            case ModeAction.Serve when entry is not null:
                return Task.FromResult(_answers.Overridden(entry, request, uri, decision, over.ModeDetail));

            case ModeAction.GatewayTimeout:
                return Task.FromResult(_answers.OverrideGatewayTimeout(request, uri, over.ModeDetail));

            case ModeAction.Validate when entry is not null:
                LogForwarded(uri, over.ModeDetail);
                return Validate(new CacheExchange(lookup, KeyOf(lookup, key), variants, ForwardReason.Request, entry, countMiss: true), entry, async, cancellationToken);

            case ModeAction.Fetch:
                LogForwarded(uri, over.ModeDetail);
                var reason = over.Mode == HttpCacheMode.Reload ? ForwardReason.Request
                    : variants is { Count: > 0 } ? ForwardReason.VaryMiss : ForwardReason.UriMiss;
                return FetchAsync(new CacheExchange(lookup, KeyOf(lookup, key), variants, reason, stale: null, countMiss: true), async, cancellationToken);

            default:
                return null;
        }
    }

    /// <summary>A default-mode hit on a URI a rule governs shows <c>detail=rule</c>.</summary>
    private HttpResponseMessage ServeHit(in CacheLookup lookup, HttpCacheEntry entry, LookupDecision decision) =>
        lookup.Override.Rule is not null && decision.Action == LookupAction.Fresh
            ? _answers.Overridden(entry, lookup.Request, lookup.Uri, decision, CacheStatus.RuleDetail)
            : _answers.Hit(entry, lookup.Request, lookup.Uri, decision);

    /// <summary>
    /// No answer from the origin: RFC 5861 §4 stale-if-error (<see cref="OriginAnswers"/> decides), else (when allowed)
    /// the stored response of any age when the network is unreachable; null when neither stands in.
    /// </summary>
    private HttpResponseMessage? StaleOnFailure(CacheExchange exchange, HttpCacheEntry stale, Exception exception, CancellationToken cancellationToken)
    {
        var outcome = OriginAnswers.Decide(AnswerPath.Foreground, OriginAnswer.Failure(_context.Time.GetUtcNow()), stale, exchange.Terms(_context));
        if (outcome.Effect == AnswerEffect.ServeStale)
        {
            return _answers.StaleOnError(exchange, stale, outcome.Stale, status: null);
        }

        return _context.Options.ServeStaleWhenUnreachable ? _answers.Unreachable(exchange, stale, exception, cancellationToken) : null;
    }

    private void LogForwarded(Uri uri, string detail)
    {
        if (_context.Logger.IsEnabled(LogLevel.Debug))
        {
            ControlLog.Forwarded(_context.Logger, UriRedaction.Redact(uri), detail);
        }
    }
}
