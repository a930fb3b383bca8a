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
/// call through <see cref="CacheVariants"/>. Decisions are made by <see cref="CacheStrategy"/> (the lookup) and
/// <see cref="OriginAnswers"/> (what an origin's answer does to the stored entry); the responses answered from
/// storage by <see cref="CacheAnswers"/>. The collaborators are shared through one <see cref="CacheContext"/>, a
/// request's state sits in its <see cref="CacheExchange"/> once it goes forward. This class does the I/O, disposes
/// every response it drops, and leaves the caller's request as it found it.
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

    private readonly CacheContext _context;
    private readonly CacheVariants _variants;
    private readonly CacheCoalescing _coalescing;
    private readonly CacheInvalidation _invalidation;
    private readonly BackgroundRevalidator _background;
    private readonly CacheAnswers _answers;
    private readonly FarmCoalescing? _farm;
    private readonly MemoryHttpCacheStore? _memory;

    public CachingHandler(ClientCache cache, CacheOptions options, TimeProvider time, CacheMetrics metrics, ILogger logger, IEnumerable<string>? sensitiveHeaders = null)
    {
        _context = new CacheContext(cache, options, time, metrics, logger, sensitiveHeaders);
        _variants = _context.Variants;
        _answers = new CacheAnswers(_context);
        _coalescing = new CacheCoalescing(_context);
        _invalidation = new CacheInvalidation(_context);
        _memory = cache.Store as MemoryHttpCacheStore;
        _farm = cache.Coordinator is { } coordinator ? new FarmCoalescing(coordinator, _context, _answers) : null;
        _background = new BackgroundRevalidator(_context, (request, token) => base.SendAsync(request, token));
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
        if (route is not (Route.Get or Route.Query) && RefuseOffline(request) is { } offline)
        {
            return Task.FromResult(offline);
        }

        return (route, uri) switch
        {
            (Route.Get, { } absolute) => SendGet(request, absolute, async: true, cancellationToken),
            (Route.Head, { } absolute) => SendHeadAsync(request, absolute, async: true, cancellationToken),
            (Route.Unsafe, { } absolute) => SendUnsafeAsync(request, absolute, async: true, cancellationToken),
            (Route.Query, { } absolute) => SendQueryAsync(request, absolute, async: true, cancellationToken),
            _ => base.SendAsync(request, cancellationToken),
        };
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var route = Classify(request, out var uri);
        if (route is not (Route.Get or Route.Query) && RefuseOffline(request) is { } offline)
        {
            return offline;
        }

        var task = (route, uri) switch
        {
            (Route.Get, { } absolute) => SendGet(request, absolute, async: false, cancellationToken),
            (Route.Head, { } absolute) => SendHeadAsync(request, absolute, async: false, cancellationToken),
            (Route.Unsafe, { } absolute) => SendUnsafeAsync(request, absolute, async: false, cancellationToken),
            (Route.Query, { } absolute) => SendQueryAsync(request, absolute, async: false, cancellationToken),
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
    /// store is searched with the key written on the stack: a hit makes no key string (see <see cref="KeyOf"/>).
    /// </summary>
    private Task<HttpResponseMessage> SendGet(HttpRequestMessage request, Uri uri, bool async, CancellationToken cancellationToken)
    {
        CacheLookup lookup;
        string key;
        ValueTask<IReadOnlyList<HttpCacheEntry>?> read;
        try
        {
            var over = OverrideOf(request, uri);
            if (over.Mode == HttpCacheMode.NoStore)
            {
                return BypassAsync(request, uri, async, cancellationToken);
            }

            lookup = new CacheLookup(request, uri, CacheHeaders.ReadRequestDirectives(request.Headers), over);
            if (_memory is { } memory)
            {
                Span<char> stackKey = stackalloc char[KeyOnStack];
                if (_context.Keys.TryWriteForGet(uri, request.Headers, stackKey, out var length))
                {
                    var found = memory.Find(stackKey[..length]);
                    return OnLookup(lookup, found is null ? new string(stackKey[..length]) : null, found, async, cancellationToken);
                }
            }

            key = _context.Keys.ForGet(uri, request.Headers);
            read = _variants.ReadAsync(key, uri, cancellationToken);
            if (read.IsCompletedSuccessfully)
            {
                return OnLookup(lookup, key, read.Result, async, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            return Task.FromException<HttpResponseMessage>(ex);
        }

        return SendGetAfterReadAsync(lookup, key, read, async, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendGetAfterReadAsync(CacheLookup lookup, string key, ValueTask<IReadOnlyList<HttpCacheEntry>?> read, bool async, CancellationToken cancellationToken)
    {
        var variants = await read.ConfigureAwait(false);
        return await OnLookup(lookup, key, variants, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The key string of a lookup made without one (see <see cref="SendGet"/>), made now that it is needed.</summary>
    private string KeyOf(in CacheLookup lookup, string? key) => key ?? _context.Keys.ForGet(lookup.Uri, lookup.Request.Headers);

    /// <summary>
    /// What the lookup found decides: served from storage, fetched, or revalidated. <paramref name="key"/> is null when
    /// the lookup went without a key string (a memory-store hit needs none); it is made once the request goes forward.
    /// </summary>
    private Task<HttpResponseMessage> OnLookup(in CacheLookup lookup, string? key, IReadOnlyList<HttpCacheEntry>? variants, bool async, CancellationToken cancellationToken)
    {
        var (request, uri) = (lookup.Request, lookup.Uri);
        var found = variants;
        var entry = _variants.Select(key, uri, ref variants, request.Headers);
        if (key is null && found is not null && variants is null)
        {
            // An unreadable entry found without a key string: removed now that there is one.
            key = KeyOf(lookup, key);
            _ = _variants.RemoveKeyAsync(key, uri);
        }

        if (lookup.Override.Mode != HttpCacheMode.Default && OnOverride(lookup, key, variants, entry, async, cancellationToken) is { } overridden)
        {
            return overridden;
        }

        if (entry is null)
        {
            if (lookup.Directives.OnlyIfCached)
            {
                return Task.FromResult(_answers.OnlyIfCachedMiss(request, uri));
            }

            var miss = variants is { Count: > 0 } ? ForwardReason.VaryMiss : ForwardReason.UriMiss;
            _context.Metrics.Lookup(CacheOutcome.Miss, request.Method);
            if (_context.Logger.IsEnabled(LogLevel.Debug))
            {
                Log.Miss(_context.Logger, UriRedaction.Redact(uri), CacheStatus.Text(miss));
            }

            return FetchAsync(new CacheExchange(lookup, KeyOf(lookup, key), variants, miss, stale: null, countMiss: false), async, cancellationToken);
        }

        var decision = CacheStrategy.Decide(entry, lookup.Directives, _context.Time.GetUtcNow(), _context.Heuristic);
        switch (decision.Action)
        {
            case LookupAction.Fresh:
            case LookupAction.ServeStale:
                return Task.FromResult(ServeHit(lookup, entry, decision));

            case LookupAction.StaleWhileRevalidate:
                var served = _answers.Hit(entry, request, uri, decision);
                _background.Start(lookup, KeyOf(lookup, key), variants, entry);
                return Task.FromResult(served);
        }

        // §5.2.1.7: only-if-cached never goes forward; what is stored cannot be used, so 504.
        if (lookup.Directives.OnlyIfCached)
        {
            return Task.FromResult(_answers.OnlyIfCachedMiss(request, uri));
        }

        return Validate(new CacheExchange(lookup, KeyOf(lookup, key), variants, decision.Reason, entry, countMiss: true), entry, async, cancellationToken);
    }

    /// <summary>§4.3.1: a stored response is validated with its validators; without one there is nothing to validate with, and the request goes forward as it is.</summary>
    private Task<HttpResponseMessage> Validate(CacheExchange exchange, HttpCacheEntry stale, bool async, CancellationToken cancellationToken) =>
        stale.Parsed.HasValidator ? RevalidateAsync(exchange, stale, async, cancellationToken) : FetchAsync(exchange, async, cancellationToken);
}
