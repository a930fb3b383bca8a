namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The tags of a key (<see cref="HttpCacheTags"/>): <c>group {origin} {name}</c> for each member of its entries'
/// <c>Cache-Groups</c> (RFC 9875 §2.1: the same string and the same origin, RFC 9110 §4.3.1), and <c>uri {uri}</c> for a
/// query's key. The origin is the key's URI's scheme, host and port, as <see cref="Uri"/> normalises them.
/// </summary>
internal static class CacheTags
{
    private const string GroupPrefix = "group ";
    private const string UriPrefix = "uri ";

    public static IReadOnlyList<string> For(string key, IReadOnlyList<HttpCacheEntry> entries)
    {
        List<string>? tags = null;
        string? origin = null;
        string? method = null;
        string? uriText = null;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is not { } entry || CacheGroupFields.Read(entry.Headers, CacheGroupFields.Groups) is not { } groups)
            {
                continue;
            }

            if (method is null && !CacheKeyPolicy.TryParseKey(key, out method, out uriText, out _))
            {
                return [];
            }

            origin ??= Uri.TryCreate(uriText, UriKind.Absolute, out var uri) ? Origin(uri) : string.Empty;
            if (origin.Length == 0)
            {
                return [];
            }

            foreach (var group in groups)
            {
                var tag = Group(origin, group);
                if (tags is null || !tags.Contains(tag))
                {
                    (tags ??= []).Add(tag);
                }
            }
        }

        if (method is null)
        {
            // No groups: only a query's key has a tag (its URI); a GET's key, the common case, is not even parsed.
            if (key.StartsWith("GET ", StringComparison.Ordinal) || !CacheKeyPolicy.TryParseKey(key, out method, out uriText, out _))
            {
                return [];
            }
        }

        if (method != "GET" && uriText is not null)
        {
            (tags ??= []).Add(Queries(uriText));
        }

        return tags ?? (IReadOnlyList<string>)[];
    }

    /// <summary>The origin of <paramref name="uri"/> (scheme, host, and the port when not the scheme's default).</summary>
    public static string Origin(Uri uri) => uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);

    /// <summary>The tag of the group <paramref name="group"/> of <paramref name="origin"/> (as <see cref="Origin"/> gives it).</summary>
    public static string Group(string origin, string group) => string.Concat(GroupPrefix, origin, " ", group);

    /// <summary>The tag of the queries of <paramref name="uriText"/> (the URI as keyed).</summary>
    public static string Queries(string uriText) => string.Concat(UriPrefix, uriText);

    /// <summary>The groups of the variants, each once, for the inspection API.</summary>
    public static IReadOnlyList<string> GroupsOf(IReadOnlyList<HttpCacheEntry> entries)
    {
        List<string>? all = null;
        foreach (var entry in entries)
        {
            foreach (var group in (entry is null ? null : CacheGroupFields.Read(entry.Headers, CacheGroupFields.Groups)) ?? [])
            {
                if (all is null || !all.Contains(group))
                {
                    (all ??= []).Add(group);
                }
            }
        }

        return all ?? (IReadOnlyList<string>)[];
    }
}
