namespace StatusAwareHttp.Caching.Internal;

/// <summary>What a request's cache mode (or the offline switch) does with the stored response that matched it.</summary>
internal enum ModeAction
{
    /// <summary>No override: RFC 9111 as is (<see cref="CacheStrategy.Decide(HttpCacheEntry, in CacheDirectives, DateTimeOffset, HeuristicSettings)"/>).</summary>
    Default,

    /// <summary>Serve the stored response, whatever its age, without contacting the origin.</summary>
    Serve,

    /// <summary>Validate the stored response with the origin (without a validator: fetch anew).</summary>
    Validate,

    /// <summary>Go to the origin without conditions; store what it answers.</summary>
    Fetch,

    /// <summary>Answer 504 without contacting the origin.</summary>
    GatewayTimeout,
}

/// <summary>The overrides on one GET: its mode (the offline switch makes it only-if-cached), the detail they show, and the URL rule that matched.</summary>
/// <param name="Mode">The effective mode.</param>
/// <param name="Detail">The <c>Cache-Status</c> detail of the mode (<c>force-cache</c>, <c>offline</c>, ...), or null for the default mode.</param>
/// <param name="Rule">The first <see cref="CacheOptions.Rules"/> entry that matches the URI, or null.</param>
internal readonly record struct CacheOverride(HttpCacheMode Mode, string? Detail, CacheRule? Rule)
{
    /// <summary>The detail responses forwarded to the origin show: the mode's, else <c>rule</c> when a rule matched.</summary>
    public string? ForwardDetail => Detail ?? (Rule is null ? null : CacheStatus.RuleDetail);

    /// <summary>The detail the mode shows when it overrides the lookup: its own, else its Fetch name.</summary>
    public string ModeDetail => Detail ?? CacheModes.Name(Mode);
}

/// <summary>
/// The Fetch standard's request cache modes as pure functions of the mode, the stored response and <c>now</c>. No I/O,
/// no clock: the handler acts on the answer.
/// </summary>
internal static class CacheModes
{
    /// <summary>The overrides of a request: the offline switch wins over the request's own mode.</summary>
    public static CacheOverride For(HttpCacheMode mode, bool offline, CacheRule? rule) =>
        offline ? new(HttpCacheMode.OnlyIfCached, CacheStatus.OfflineDetail, rule) : new(mode, mode == HttpCacheMode.Default ? null : Name(mode), rule);

    /// <summary>The Fetch name of a mode, as <c>Cache-Status</c> and the logs write it.</summary>
    public static string Name(HttpCacheMode mode) => mode switch
    {
        HttpCacheMode.NoStore => CacheStatus.NoStoreDetail,
        HttpCacheMode.Reload => "reload",
        HttpCacheMode.NoCache => "no-cache",
        HttpCacheMode.ForceCache => "force-cache",
        HttpCacheMode.OnlyIfCached => CacheStatus.OnlyIfCachedDetail,
        _ => "default",
    };

    /// <summary>What <paramref name="mode"/> does when <paramref name="entry"/> (null on a miss) matched the request.</summary>
    public static ModeAction Decide(HttpCacheMode mode, HttpCacheEntry? entry) => mode switch
    {
        HttpCacheMode.NoStore or HttpCacheMode.Reload => ModeAction.Fetch,
        HttpCacheMode.NoCache => entry is null ? ModeAction.Fetch : ModeAction.Validate,
        HttpCacheMode.ForceCache => entry is null ? ModeAction.Fetch : ModeAction.Serve,
        HttpCacheMode.OnlyIfCached => entry is null ? ModeAction.GatewayTimeout : ModeAction.Serve,
        _ => ModeAction.Default,
    };

    /// <summary>
    /// The decision about <paramref name="entry"/> under <paramref name="mode"/>: its action, and the ages (for
    /// <c>Age</c> and <c>ttl</c>) the strategy computes at <paramref name="now"/>.
    /// </summary>
    public static (ModeAction Action, LookupDecision Lookup) Decide(HttpCacheMode mode, HttpCacheEntry? entry, in CacheDirectives request, DateTimeOffset now, HeuristicSettings heuristic)
    {
        var action = Decide(mode, entry);
        if (entry is null)
        {
            return (action, default);
        }

        var lookup = CacheStrategy.Decide(entry, request, now, heuristic);
        return action switch
        {
            ModeAction.Validate => (action, lookup with { Action = LookupAction.Revalidate, Reason = ForwardReason.Request }),
            ModeAction.Serve => (action, lookup with { Action = lookup.TimeToLive > TimeSpan.Zero ? LookupAction.Fresh : LookupAction.ServeStale }),
            _ => (action, lookup),
        };
    }
}
