using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The HTTP cache (RFC 9111) between the redirect handler and the retries: the decision loop. GET responses are looked
/// up, served fresh, revalidated with conditional requests, or fetched (identical misses collapsed by
/// <see cref="CacheCoalescing"/>) and stored once their body was read whole; HEAD and unsafe methods go through
/// <see cref="CacheInvalidation"/>; stale-while-revalidate through <see cref="BackgroundRevalidator"/>; every store
/// call through <see cref="CacheVariants"/>. Decisions are made by <see cref="CacheStrategy"/>; this class does the
/// I/O, disposes every response it drops, and leaves the caller's request as it found it.
/// </summary>
/// <remarks>
/// <see cref="SendAsync"/> and <see cref="Send"/> share one core written once with an <c>async</c> flag, as
/// dotnet/runtime's handlers do: the origin is called with <c>base.SendAsync</c> or <c>base.Send</c>. On the
/// synchronous path everything completes on the caller's thread when the store answers at once (the memory store
/// always does); a store whose operations do not (IDistributedCache) is waited for.
/// </remarks>
internal sealed partial class CachingHandler : DelegatingHandler
{
    private readonly CacheOptions _options;
    private readonly HeuristicSettings _heuristic;
    private readonly CacheStatus _status;
    private readonly TimeProvider _time;
    private readonly CacheMetrics _metrics;
    private readonly ILogger _logger;
    private readonly CacheVariants _variants;
    private readonly CacheCoalescing _coalescing;
    private readonly CacheInvalidation _invalidation;
    private readonly BackgroundRevalidator _background;
    private readonly CacheServing _serving;
    private readonly ClientCache _clientCache;
    private readonly CacheKeyPolicy _keys;
    private readonly CacheRules _rules;
    private readonly CacheOverrides _overrides;
    private readonly FarmCoalescing? _farm;

    public CachingHandler(ClientCache cache, CacheOptions options, TimeProvider time, CacheMetrics metrics, ILogger logger, IEnumerable<string>? sensitiveHeaders = null)
    {
        _clientCache = cache;
        _keys = new CacheKeyPolicy(sensitiveHeaders, options.IgnoredQueryParameters);
        _rules = new CacheRules(options.Rules);
        _options = options;
        _heuristic = HeuristicSettings.From(options);
        _status = new CacheStatus(options.CacheName);
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _variants = new CacheVariants(cache.Store, _heuristic, time, metrics, logger);
        _coalescing = new CacheCoalescing(cache, _variants, _status, options.MaxEntryBytes, time, metrics, logger);
        _invalidation = new CacheInvalidation(_variants, time, logger, _keys);
        _serving = new CacheServing(_status, _heuristic, time, metrics, logger);
        _overrides = new CacheOverrides(_status, _heuristic, time, metrics, logger);
        _farm = cache.Coordinator is { } coordinator ? new FarmCoalescing(coordinator, _variants, _serving, _heuristic, time, logger) : null;
        _background = new BackgroundRevalidator(cache, _variants, (request, token) => base.SendAsync(request, token), options, time, logger);
    }

    private enum Route
    {
        PassThrough,
        Get,
        Head,
        Unsafe,
    }

    /// <summary>Makes the handler of one handler chain of <paramref name="clientName"/>, on the client's lasting state.</summary>
    public static CachingHandler Create(string clientName, CacheOptions options, IServiceProvider services, ILoggerFactory loggerFactory, IEnumerable<string>? sensitiveHeaders = null) =>
        new(
            services.GetRequiredKeyedService<ClientCache>(clientName),
            options,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<CacheMetrics>().For(clientName),
            loggerFactory.CreateLogger<CachingHandler>(),
            sensitiveHeaders);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var route = Classify(request, out var uri);
        if (route != Route.Get && RefuseOffline(request) is { } offline)
        {
            return Task.FromResult(offline);
        }

        return route switch
        {
            Route.Get => SendGet(request, uri, async: true, cancellationToken),
            Route.Head => SendHeadAsync(request, uri, async: true, cancellationToken),
            Route.Unsafe => SendUnsafeAsync(request, uri, async: true, cancellationToken),
            _ => base.SendAsync(request, cancellationToken),
        };
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var route = Classify(request, out var uri);
        if (route != Route.Get && RefuseOffline(request) is { } offline)
        {
            return offline;
        }

        var task = route switch
        {
            Route.Get => SendGet(request, uri, async: false, cancellationToken),
            Route.Head => SendHeadAsync(request, uri, async: false, cancellationToken),
            Route.Unsafe => SendUnsafeAsync(request, uri, async: false, cancellationToken),
            _ => null,
        };

        // Complete already unless the store is asynchronous by nature (IDistributedCache): then this thread waits for it.
        return task is null ? base.Send(request, cancellationToken) : task.GetAwaiter().GetResult();
    }

    private static Route Classify(HttpRequestMessage request, out Uri uri)
    {
        uri = request.RequestUri!;
        var method = request.Method;
        if (request.RequestUri is not { IsAbsoluteUri: true })
        {
            return Route.PassThrough;
        }

        if (method == HttpMethod.Get)
        {
            // §4.3.2 is the origin's business: a caller's own conditional (or range) request passes through untouched.
            return CacheHeaders.IsConditionalOrRange(request.Headers) ? Route.PassThrough : Route.Get;
        }

        if (method == HttpMethod.Head)
        {
            return Route.Head;
        }

        return CacheStrategy.IsSafe(method) ? Route.PassThrough : Route.Unsafe;
    }

    /// <summary>The handlers inside the cache, called the way the caller called this one.</summary>
    private ValueTask<HttpResponseMessage> SendInner(HttpRequestMessage request, bool async, CancellationToken cancellationToken) =>
        async ? new(base.SendAsync(request, cancellationToken)) : new(base.Send(request, cancellationToken));

    /// <summary>
    /// Looks the GET up. When the store answers at once (the memory store always does) this runs without an async
    /// frame of its own: the task handed back is the fetch's, the revalidation's, or the served response's.
    /// </summary>
    private Task<HttpResponseMessage> SendGet(HttpRequestMessage request, Uri uri, bool async, CancellationToken cancellationToken)
    {
        CacheExchange exchange;
        ValueTask<IReadOnlyList<HttpCacheEntry>?> read;
        try
        {
            var over = OverrideOf(request, uri);
            if (over.Mode == HttpCacheMode.NoStore)
            {
                return BypassAsync(request, uri, async, cancellationToken);
            }

            exchange = new CacheExchange(request, uri, _keys.ForGet(uri, request.Headers), CacheHeaders.ReadRequestDirectives(request.Headers), Override: over);
            read = _variants.ReadAsync(exchange.Key, uri, cancellationToken);
            if (read.IsCompletedSuccessfully)
            {
                return OnLookup(exchange, read.Result, async, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            return Task.FromException<HttpResponseMessage>(ex);
        }

        return SendGetAfterReadAsync(exchange, read, async, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendGetAfterReadAsync(CacheExchange exchange, ValueTask<IReadOnlyList<HttpCacheEntry>?> read, bool async, CancellationToken cancellationToken)
    {
        var variants = await read.ConfigureAwait(false);
        return await OnLookup(exchange, variants, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the lookup found decides: served from storage, fetched, or revalidated.</summary>
    private Task<HttpResponseMessage> OnLookup(CacheExchange exchange, IReadOnlyList<HttpCacheEntry>? variants, bool async, CancellationToken cancellationToken)
    {
        var (request, uri) = (exchange.Request, exchange.Uri);
        var entry = _variants.Select(exchange.Key, uri, ref variants, request.Headers);
        exchange = exchange with { Variants = variants };
        if (exchange.Override.Mode != HttpCacheMode.Default && OnOverride(exchange, entry, async, cancellationToken) is { } overridden)
        {
            return overridden;
        }

        if (entry is null)
        {
            if (exchange.Directives.OnlyIfCached)
            {
                return Task.FromResult(_serving.OnlyIfCachedMiss(request, uri));
            }

            var miss = variants is { Count: > 0 } ? ForwardReason.VaryMiss : ForwardReason.UriMiss;
            _metrics.Lookup(CacheOutcome.Miss);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.Miss(_logger, UriRedaction.Redact(uri), CacheStatus.Text(miss));
            }

            return FetchAsync(exchange with { Reason = miss }, async, cancellationToken);
        }

        var decision = CacheStrategy.Decide(entry, exchange.Directives, _time.GetUtcNow(), _heuristic);
        switch (decision.Action)
        {
            case LookupAction.Fresh:
            case LookupAction.ServeStale:
                return Task.FromResult(ServeHit(exchange, entry, decision));

            case LookupAction.StaleWhileRevalidate:
                var served = _serving.Hit(entry, request, uri, decision);
                _background.Start(request, uri, exchange.Key, variants!, entry);
                return Task.FromResult(served);
        }

        // §5.2.1.7: only-if-cached never goes forward; what is stored cannot be used, so 504.
        if (exchange.Directives.OnlyIfCached)
        {
            return Task.FromResult(_serving.OnlyIfCachedMiss(request, uri));
        }

        exchange = exchange with { Reason = decision.Reason, Stale = entry, Decision = decision, CountMiss = true };

        // §4.3.1: without a validator there is nothing to validate with; the request goes forward as it is.
        return entry.Parsed.HasValidator ? RevalidateAsync(exchange, async, cancellationToken) : FetchAsync(exchange, async, cancellationToken);
    }

    /// <summary>
    /// Sends the request as it is. A miss joins an identical request already in flight, or becomes the one others join;
    /// a request whose own directives demand the origin (or forbid storing) goes alone.
    /// </summary>
    private async Task<HttpResponseMessage> FetchAsync(CacheExchange exchange, bool async, CancellationToken cancellationToken)
    {
        // Joins the flight in progress, or leads; when the leader fails, one waiting request leads anew and the others
        // join it. A key whose last answer could not be stored is not collapsed (hit-for-pass).
        InFlightRequest? flight = null;
        var tookOver = false;
        while (CacheCoalescing.MayCollapse(exchange) && !_coalescing.IsPass(exchange.Key))
        {
            flight = _coalescing.TryLead(exchange.Key, out var current);
            if (flight is not null)
            {
                break;
            }

            if (await _coalescing.JoinAsync(current, exchange, async, cancellationToken).ConfigureAwait(false) is { } joined)
            {
                if (exchange.CountMiss)
                {
                    _metrics.Lookup(CacheOutcome.Miss);
                }

                return joined;
            }

            if (!current.LeaderFailed)
            {
                break;
            }

            tookOver = true;
        }

        // Across the farm: the leader of the key here takes its lease, or is served what another instance stored.
        if (flight is not null && _farm is not null && await _farm.LeadAsync(exchange, flight, tookOver, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            _coalescing.End(exchange.Key, flight, failed: true);
            return stored;
        }

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
        List<KeyValuePair<string, string>>? headers = null;
        StoredResponse? parsed = null;
        var lifetime = TimeSpan.Zero;
        var tooLarge = false;
        var refusal = CacheHeaders.TryReadResponseDirectives(response, out var responseDirectives)
            ? CacheStrategy.RefusalBeforeParsing(status, exchange.Directives, responseDirectives)
            : StoreRefusal.None;
        refusal = CacheRules.Refusal(exchange.Override.Rule, refusal);
        if (refusal == StoreRefusal.None)
        {
            headers = CacheHeaders.Capture(response, responseTime);
            parsed = StoredResponse.Parse(status, headers);
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

    private async Task<HttpResponseMessage> SendHeadAsync(HttpRequestMessage request, Uri uri, bool async, CancellationToken cancellationToken)
    {
        var requestTime = _time.GetUtcNow();
        var response = await SendInner(request, async, cancellationToken).ConfigureAwait(false);
        await _invalidation.AfterHeadAsync(request, uri, response, requestTime).ConfigureAwait(false);
        return response;
    }

    private async Task<HttpResponseMessage> SendUnsafeAsync(HttpRequestMessage request, Uri uri, bool async, CancellationToken cancellationToken)
    {
        var response = await SendInner(request, async, cancellationToken).ConfigureAwait(false);
        await _invalidation.AfterUnsafeAsync(request, uri, response).ConfigureAwait(false);
        return response;
    }
}
