using System.Diagnostics.Metrics;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>Where a lookup of the distributed HTTP cache was answered (the <c>outcome</c> tag).</summary>
internal enum DistributedLookup
{
    /// <summary>From the instance's in-memory front.</summary>
    FrontHit,

    /// <summary>From the distributed cache.</summary>
    Hit,

    /// <summary>Nothing stored.</summary>
    Miss,

    /// <summary>Bytes stored that cannot be read (corrupt, truncated, another version): a miss.</summary>
    Unreadable,

    /// <summary>The distributed cache failed, timed out or is bypassed: a miss.</summary>
    Unavailable,
}

/// <summary>Instruments of the distributed HTTP cache on the <c>StatusAwareHttp</c> meter.</summary>
internal sealed class DistributedCacheMetrics
{
    private readonly Counter<long> _lookups;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _bypassed;

    private KeyValuePair<string, object?> _client = MetricTags.Unbound;

    public DistributedCacheMetrics(StatusAwareHttpMeter meter)
    {
        _lookups = meter.Meter.CreateCounter<long>("statusawarehttp.distributed_cache.lookups", "{lookup}",
            "Lookups of the distributed HTTP cache, by outcome: front_hit, hit, miss, unreadable, unavailable.");
        _failures = meter.Meter.CreateCounter<long>("statusawarehttp.distributed_cache.failures", "{call}",
            "Calls to the distributed cache that failed, by operation (get, set, remove) and reason (timeout, error).");
        _bypassed = meter.Meter.CreateCounter<long>("statusawarehttp.distributed_cache.bypassed", "{call}",
            "Calls to the distributed cache skipped because it failed lately, by operation.");
    }

    /// <summary>Gets a view of these instruments that tags every measurement with <paramref name="clientName"/>.</summary>
    public DistributedCacheMetrics For(string clientName)
    {
        var bound = (DistributedCacheMetrics)MemberwiseClone();
        bound._client = MetricTags.Client(clientName);
        return bound;
    }

    public void Lookup(DistributedLookup outcome) => _lookups.Add(1, _client, new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));

    public void Failed(string operation, bool timeout) => _failures.Add(
        1,
        _client,
        new KeyValuePair<string, object?>("operation", operation),
        new KeyValuePair<string, object?>("reason", timeout ? "timeout" : "error"));

    public void Bypassed(string operation) => _bypassed.Add(1, _client, new KeyValuePair<string, object?>("operation", operation));

    public static string OutcomeName(DistributedLookup outcome) => outcome switch
    {
        DistributedLookup.FrontHit => "front_hit",
        DistributedLookup.Hit => "hit",
        DistributedLookup.Miss => "miss",
        DistributedLookup.Unreadable => "unreadable",
        _ => "unavailable",
    };
}
