using System.Diagnostics.Metrics;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>How a GET that the cache looked up ended (the <c>outcome</c> tag).</summary>
internal enum CacheOutcome
{
    Hit,
    Miss,
    Revalidated,
    Stale,
}

/// <summary>Instruments of the HTTP cache on the <c>StatusAwareHttp</c> meter.</summary>
internal sealed class CacheMetrics
{
    private readonly Counter<long> _lookups;
    private readonly Counter<long> _storedBytes;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _coalesced;
    private readonly Counter<long> _storeErrors;

    private KeyValuePair<string, object?> _client = MetricTags.Unbound;

    public CacheMetrics(StatusAwareHttpMeter meter)
    {
        _lookups = meter.Meter.CreateCounter<long>("statusawarehttp.cache.lookups", "{request}", "GET and QUERY requests the cache looked up, by outcome: hit, miss, revalidated (304), stale (served stale), and http.request.method.");
        _storedBytes = meter.Meter.CreateCounter<long>("statusawarehttp.cache.stored_bytes", "By", "Body bytes written to the cache store.");
        _evictions = meter.Meter.CreateCounter<long>("statusawarehttp.cache.evictions", "{entry}", "Entries the memory store evicted, by reason: capacity or expired.");
        _coalesced = meter.Meter.CreateCounter<long>("statusawarehttp.cache.coalesced", "{request}", "Requests that shared another identical request's origin response.");
        _storeErrors = meter.Meter.CreateCounter<long>("statusawarehttp.cache.store_errors", "{error}", "Cache store calls that failed or returned an unreadable entry, by operation.");
    }

    /// <summary>Gets a view of these instruments that tags every measurement with <paramref name="clientName"/>.</summary>
    public CacheMetrics For(string clientName)
    {
        var bound = (CacheMetrics)MemberwiseClone();
        bound._client = MetricTags.Client(clientName);
        return bound;
    }

    // Each measurement first asks whether anyone listens: with no listener a tagged Add still walks its tags.
    public void Lookup(CacheOutcome outcome, HttpMethod method)
    {
        if (_lookups.Enabled)
        {
            _lookups.Add(1, _client, new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)), new KeyValuePair<string, object?>("http.request.method", method.Method));
        }
    }

    public void Stored(int bytes)
    {
        if (_storedBytes.Enabled)
        {
            _storedBytes.Add(bytes, _client);
        }
    }

    public void Evicted(EvictionCause reason)
    {
        var name = reason switch
        {
            EvictionCause.Capacity => "capacity",
            EvictionCause.Expired => "expired",
            _ => null,
        };

        if (name is not null && _evictions.Enabled)
        {
            _evictions.Add(1, _client, new KeyValuePair<string, object?>("reason", name));
        }
    }

    public void Coalesced()
    {
        if (_coalesced.Enabled)
        {
            _coalesced.Add(1, _client);
        }
    }

    public void StoreError(string operation)
    {
        if (_storeErrors.Enabled)
        {
            _storeErrors.Add(1, _client, new KeyValuePair<string, object?>("operation", operation));
        }
    }

    public static string OutcomeName(CacheOutcome outcome) => outcome switch
    {
        CacheOutcome.Hit => "hit",
        CacheOutcome.Miss => "miss",
        CacheOutcome.Revalidated => "revalidated",
        _ => "stale",
    };
}
