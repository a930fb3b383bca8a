using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>Values of the <c>Cache-Status</c> response field (RFC 9211) for this cache.</summary>
internal sealed class CacheStatus
{
    public const string FieldName = "Cache-Status";

    /// <summary>The <c>detail</c> of a response stored or served under a URL rule (<see cref="CacheOptions.Rules"/>).</summary>
    public const string RuleDetail = "rule";

    /// <summary>The <c>detail</c> of a response answered while offline, or served because the network is unreachable.</summary>
    public const string OfflineDetail = "offline";

    /// <summary>The <c>detail</c> of a response that went to the origin outside the cache (mode no-store).</summary>
    public const string NoStoreDetail = "no-store";

    /// <summary>The <c>detail</c> of a stale response standing in for an origin error (RFC 5861 §4).</summary>
    public const string StaleIfErrorDetail = "stale-if-error";

    /// <summary>The <c>detail</c> of the 504 of <c>only-if-cached</c> with nothing usable stored (RFC 9111 §5.2.1.7).</summary>
    public const string OnlyIfCachedDetail = "only-if-cached";

    /// <summary>The <c>detail</c> of a response not stored because it is larger than <see cref="CacheOptions.MaxEntryBytes"/>.</summary>
    public const string TooLargeDetail = "too-large";

    /// <summary>The <c>detail</c> of a query (RFC 10008) whose content is not keyed: over <see cref="CacheOptions.MaxQueryContentBytes"/>, of unknown length, or without a media type.</summary>
    public const string QueryContentDetail = "query-content";

    /// <summary>The most distinct forward values remembered; past it, further values are built each time.</summary>
    internal const int MaxRemembered = 256;

    /// <summary>Forward values already built: the same few (a miss forwarded, a store with one lifetime) repeat on every request.</summary>
    private readonly ConcurrentDictionary<(string Reason, int Status, long Ttl, string? Detail), string> _forwards = new();
    private int _remembered;

    public CacheStatus(string cacheName)
    {
        Identifier = Serialise(cacheName);
        CacheStatusNames.Add(cacheName);
    }

    /// <summary>Gets the cache's name as an sf-token, or an sf-string when it is not a token (RFC 9211 §2).</summary>
    public string Identifier { get; }

    /// <summary>Served from storage without going forward (§2.1); <c>ttl</c> is negative when served stale (§2.5).</summary>
    public string Hit(TimeSpan timeToLive) => (_hits ??= new CacheStatusHits(Identifier)).Get(Seconds(timeToLive));

    private CacheStatusHits? _hits;

    /// <summary>The <c>fwd</c> value (RFC 9211 §2.2) of a reason, as logs and the field write it.</summary>
    public static string Text(ForwardReason reason) => reason switch
    {
        ForwardReason.Request => "request",
        ForwardReason.UriMiss => "uri-miss",
        ForwardReason.VaryMiss => "vary-miss",
        _ => "stale",
    };

    /// <summary>Went forward (§2.2) for <paramref name="reason"/>, with the next hop's status (§2.3) when there was one.</summary>
    public string Forward(ForwardReason reason, int? status, TimeSpan? timeToLive = null, bool stored = false, bool collapsed = false, string? detail = null) =>
        Forward(Text(reason), status, timeToLive, stored, collapsed, detail);

    /// <summary>Went forward (§2.2) for <paramref name="reason"/>, with the next hop's status (§2.3) when there was one.</summary>
    public string Forward(string reason, int? status, TimeSpan? timeToLive = null, bool stored = false, bool collapsed = false, string? detail = null)
    {
        if (status is not { } code || stored || collapsed)
        {
            return Build(reason, status, timeToLive, stored, collapsed, detail);
        }

        var key = (reason, code, timeToLive is { } t ? Seconds(t) : long.MinValue, detail);
        if (_forwards.TryGetValue(key, out var value))
        {
            return value;
        }

        value = Build(reason, status, timeToLive, stored: false, collapsed: false, detail);
        if (Volatile.Read(ref _remembered) < MaxRemembered && _forwards.TryAdd(key, value))
        {
            Interlocked.Increment(ref _remembered);
        }

        return value;
    }

    private string Build(string reason, int? status, TimeSpan? timeToLive, bool stored, bool collapsed, string? detail)
    {
        var builder = new StringBuilder(Identifier.Length + 64);
        builder.Append(Identifier).Append("; fwd=").Append(reason);
        if (status is { } s)
        {
            builder.Append("; fwd-status=").Append(s.ToString(CultureInfo.InvariantCulture));
        }

        if (timeToLive is { } ttl)
        {
            builder.Append("; ttl=").Append(Seconds(ttl).ToString(CultureInfo.InvariantCulture));
        }

        if (stored)
        {
            builder.Append("; stored");
        }

        if (collapsed)
        {
            builder.Append("; collapsed");
        }

        if (detail is not null)
        {
            builder.Append("; detail=").Append(detail);
        }

        return builder.ToString();
    }

    /// <summary>Adds the store's <paramref name="detail"/> (<see cref="HttpCacheEntry.StoreDetail"/>) unless the value has one.</summary>
    public static string WithStoreDetail(string value, string? detail) =>
        detail is null || value.Contains("; detail=", StringComparison.Ordinal) ? value : $"{value}; detail={detail}";

    /// <summary>Answered by the cache alone without a stored response (<c>only-if-cached</c> on a miss).</summary>
    public string Detail(string detail) => $"{Identifier}; detail={detail}";

    private static long Seconds(TimeSpan value) => (long)Math.Floor(value.TotalSeconds);

    private static string Serialise(string name)
    {
        // sf-token = ( ALPHA / "*" ) *( tchar / ":" / "/" ) (RFC 8941 §3.3.4).
        var isToken = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '*');
        for (var i = 1; isToken && i < name.Length; i++)
        {
            isToken = CacheDirectives.IsTokenChar(name[i]) || name[i] is ':' or '/';
        }

        if (isToken)
        {
            return name;
        }

        var quoted = new StringBuilder(name.Length + 2).Append('"');
        foreach (var c in name)
        {
            if (c is '"' or '\\')
            {
                quoted.Append('\\');
            }

            quoted.Append(c);
        }

        return quoted.Append('"').ToString();
    }
}
