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
    /// <summary>The longest key written on the stack for a memory-store lookup (longer ones are made as strings).</summary>
    private const int KeyOnStack = 512;

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
    private readonly MemoryHttpCacheStore? _memory;

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
        _memory = cache.Store as MemoryHttpCacheStore;
        _farm = cache.Coordinator is { } coordinator ? new FarmCoalescing(coordinator, _variants, _serving, _heuristic, time, logger) : null;
        _background = new BackgroundRevalidator(cache, _variants, (request, token) => base.SendAsync(request, token), options, time, logger);
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

    /// <summary>The handlers inside the cache, called the way the caller called this one.</summary>
    private ValueTask<HttpResponseMessage> SendInner(HttpRequestMessage request, bool async, CancellationToken cancellationToken) =>
        async ? new(base.SendAsync(request, cancellationToken)) : new(base.Send(request, cancellationToken));

    /// <summary>
    /// Looks the GET up. When the store answers at once (the memory store always does) this runs without an async
    /// frame of its own: the task handed back is the fetch's, the revalidation's, or the served response's. The memory
    /// store is searched with the key written on the stack: a hit makes no key string (see <see cref="WithKey"/>).
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

            var directives = CacheHeaders.ReadRequestDirectives(request.Headers);
            if (_memory is { } memory)
            {
                Span<char> key = stackalloc char[KeyOnStack];
                if (_keys.TryWriteForGet(uri, request.Headers, key, out var length))
                {
                    var found = memory.Find(key[..length]);
                    var text = found is null ? new string(key[..length]) : null;
                    return OnLookup(new CacheExchange(request, uri, text!, directives, Override: over), found, async, cancellationToken);
                }
            }

            exchange = new CacheExchange(request, uri, _keys.ForGet(uri, request.Headers), directives, Override: over);
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

    /// <summary>The exchange with its key string, made now when the lookup went without one.</summary>
    private CacheExchange WithKey(in CacheExchange exchange) =>
        exchange.Key is null ? exchange with { Key = _keys.ForGet(exchange.Uri, exchange.Request.Headers) } : exchange;

    private async Task<HttpResponseMessage> SendGetAfterReadAsync(CacheExchange exchange, ValueTask<IReadOnlyList<HttpCacheEntry>?> read, bool async, CancellationToken cancellationToken)
    {
        var variants = await read.ConfigureAwait(false);
        return await OnLookup(exchange, variants, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the lookup found decides: served from storage, fetched, or revalidated.</summary>
    private Task<HttpResponseMessage> OnLookup(CacheExchange exchange, IReadOnlyList<HttpCacheEntry>? variants, bool async, CancellationToken cancellationToken)
    {
        var (request, uri) = (exchange.Request, exchange.Uri);
        var found = variants;
        var entry = _variants.Select(exchange.Key, uri, ref variants, request.Headers);
        if (entry is null || exchange.Override.Mode != HttpCacheMode.Default)
        {
            var keyless = exchange.Key is null;
            exchange = WithKey(exchange);
            if (keyless && found is not null && variants is null)
            {
                // An unreadable entry found without a key string: removed now that there is one.
                _ = _variants.RemoveKeyAsync(exchange.Key, uri);
            }
        }

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
                _background.Start(request, uri, WithKey(exchange).Key, variants!, entry);
                return Task.FromResult(served);
        }

        // §5.2.1.7: only-if-cached never goes forward; what is stored cannot be used, so 504.
        if (exchange.Directives.OnlyIfCached)
        {
            return Task.FromResult(_serving.OnlyIfCachedMiss(request, uri));
        }

        exchange = WithKey(exchange) with { Reason = decision.Reason, Stale = entry, Decision = decision, CountMiss = true };

        // §4.3.1: without a validator there is nothing to validate with; the request goes forward as it is.
        return entry.Parsed.HasValidator ? RevalidateAsync(exchange, async, cancellationToken) : FetchAsync(exchange, async, cancellationToken);
    }
}
