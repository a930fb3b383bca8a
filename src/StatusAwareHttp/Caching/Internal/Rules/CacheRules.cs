using System.Globalization;
using System.Text;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// One client's <see cref="CacheOptions.Rules"/>: which rule a URI matches (the first), and a response's header lines
/// with the rule's lifetime in place of the origin's freshness. Pure; the handler stores what it gives.
/// </summary>
internal sealed class CacheRules
{
    private readonly CacheRule[] _rules;

    public CacheRules(IEnumerable<CacheRule>? rules)
    {
        _rules = rules is null ? [] : [.. rules];
    }

    /// <summary>The first rule that matches <paramref name="uri"/>, or null (at once when there are no rules).</summary>
    public CacheRule? Match(Uri uri)
    {
        foreach (var rule in _rules)
        {
            if (Matches(rule, uri))
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>Whether every condition of <paramref name="rule"/> holds for <paramref name="uri"/>; a rule without conditions matches nothing.</summary>
    public static bool Matches(CacheRule rule, Uri uri)
    {
        if (rule.Host is null && rule.PathPrefix is null && rule.Predicate is null)
        {
            return false;
        }

        if (rule.Host is { } host && !HostMatches(host, uri.Host))
        {
            return false;
        }

        if (rule.PathPrefix is { } prefix && !uri.AbsolutePath.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        if (rule.Predicate is { } predicate)
        {
            try
            {
                return predicate(uri);
            }
            catch (Exception)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// What <paramref name="rule"/> makes of the refusal told before parsing: <see cref="StoreRefusal.Rule"/> for a rule
    /// that forbids storing; no refusal for a <c>no-store</c> response the rule explicitly applies to.
    /// </summary>
    public static StoreRefusal Refusal(CacheRule? rule, StoreRefusal refusal) => rule switch
    {
        null => refusal,
        { NoStore: true } => refusal == StoreRefusal.None ? StoreRefusal.Rule : refusal,
        { ApplyToNoStoreResponses: true, Lifetime: not null } when refusal == StoreRefusal.NoStoreResponse => StoreRefusal.None,
        _ => refusal,
    };

    /// <summary>
    /// The response's lines with the rule's lifetime (see <see cref="CacheRule"/>), parsed; the lines as they are when the
    /// rule sets no lifetime, or when the response says <c>no-store</c> and the rule does not apply to such responses.
    /// </summary>
    public static (IReadOnlyList<KeyValuePair<string, string>> Headers, ResponseFields Parsed) Apply(CacheRule rule, IReadOnlyList<KeyValuePair<string, string>> headers, ResponseFields parsed, DateTimeOffset received)
    {
        if (rule.Lifetime is not { } lifetime || rule.NoStore || (parsed.CacheControl.NoStore && !rule.ApplyToNoStoreResponses))
        {
            return (headers, parsed);
        }

        var rewritten = WithLifetime(headers, lifetime);
        return (rewritten, ResponseFields.Parse(parsed.StatusCode, rewritten, received));
    }

    /// <summary>A stored entry (updated by a 304) with the rule's lifetime again in its lines.</summary>
    public static HttpCacheEntry Apply(CacheRule rule, HttpCacheEntry entry)
    {
        var (headers, parsed) = Apply(rule, [.. entry.Headers], entry.Parsed, entry.ResponseTime);
        return ReferenceEquals(parsed, entry.Parsed)
            ? entry
            : HttpCacheEntry.Create(parsed, headers, entry.Body, entry.RequestTime, entry.ResponseTime, entry.VaryHeaders);
    }

    /// <summary>
    /// The lines without <c>Expires</c> and <c>Pragma</c>, and with one <c>Cache-Control</c>: <c>max-age=</c> the
    /// lifetime, then the origin's directives other than those about freshness and storing.
    /// </summary>
    public static List<KeyValuePair<string, string>> WithLifetime(IReadOnlyList<KeyValuePair<string, string>> headers, TimeSpan lifetime)
    {
        var cacheControl = new StringBuilder("max-age=").Append(((long)Math.Floor(lifetime.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        var result = new List<KeyValuePair<string, string>>(headers.Count + 1);
        var at = -1;
        foreach (var line in headers)
        {
            if (Is(line.Key, "Cache-Control"))
            {
                at = at < 0 ? result.Count : at;
                foreach (var member in Members(line.Value))
                {
                    var name = member.Split('=', 2)[0].Trim();
                    if (!Is(name, "max-age") && !Is(name, "s-maxage") && !Is(name, "no-cache") && !Is(name, "no-store") && !Is(name, "must-understand"))
                    {
                        cacheControl.Append(", ").Append(member);
                    }
                }

                continue;
            }

            if (!Is(line.Key, "Expires") && !Is(line.Key, "Pragma"))
            {
                result.Add(line);
            }
        }

        result.Insert(at < 0 ? result.Count : at, new("Cache-Control", cacheControl.ToString()));
        return result;
    }

    private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static bool HostMatches(string pattern, string host) =>
        pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern.AsSpan(1), StringComparison.OrdinalIgnoreCase) && host.Length > pattern.Length - 1
            : string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);

    /// <summary>The members of a list field, split at commas outside quoted strings, trimmed, empty ones left out.</summary>
    private static IEnumerable<string> Members(string value)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i <= value.Length; i++)
        {
            if (i < value.Length)
            {
                var c = value[i];
                if (c == '\\' && quoted)
                {
                    i++;
                    continue;
                }

                if (c == '"')
                {
                    quoted = !quoted;
                }

                if (c != ',' || quoted)
                {
                    continue;
                }
            }

            var member = value[start..Math.Min(i, value.Length)].Trim(' ', '\t');
            if (member.Length > 0)
            {
                yield return member;
            }

            start = i + 1;
        }
    }
}
