using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// What one client's cache handler and its helpers share (as <c>ErrorContext</c> is for the errors handler): the
/// client's lasting state and its store gateway, its options as the cache reads them (heuristic freshness, key maker,
/// URL rules, <c>Cache-Status</c> writer), the clock, the metrics and the logger. Made once per handler.
/// </summary>
internal sealed class CacheContext
{
    public CacheContext(ClientCache cache, CacheOptions options, TimeProvider time, CacheMetrics metrics, ILogger logger, IEnumerable<string>? sensitiveHeaders = null)
    {
        Cache = cache;
        Options = options;
        Heuristic = HeuristicSettings.From(options);
        Status = new CacheStatus(options.CacheName);
        Keys = new CacheKeyPolicy(sensitiveHeaders, options.IgnoredQueryParameters);
        Rules = new CacheRules(options.Rules);
        Time = time;
        Metrics = metrics;
        Logger = logger;
        Variants = new CacheVariants(cache.Store, this);
    }

    /// <summary>Gets the client name's lasting cache state: the store, the requests in flight, the background revalidations.</summary>
    public ClientCache Cache { get; }

    public CacheOptions Options { get; }

    public HeuristicSettings Heuristic { get; }

    /// <summary>Gets the writer of this cache's <c>Cache-Status</c> values.</summary>
    public CacheStatus Status { get; }

    /// <summary>Gets the client's key maker (its sensitive headers, its ignored query parameters).</summary>
    public CacheKeyPolicy Keys { get; }

    public CacheRules Rules { get; }

    public TimeProvider Time { get; }

    public CacheMetrics Metrics { get; }

    public ILogger Logger { get; }

    /// <summary>Gets the gateway to the client's store: every store call goes through it.</summary>
    public CacheVariants Variants { get; }

    /// <summary>The terms an origin's answer about a request with <paramref name="directives"/> under <paramref name="rule"/> is held to.</summary>
    public AnswerTerms Terms(CacheRule? rule, in CacheDirectives directives, ForwardReason reason) =>
        new(rule, directives, reason, Heuristic, Options.MaxEntryBytes);
}
