using System.Collections.Concurrent;

namespace StatusAwareHttp.Internal;

/// <summary>
/// The library's list of credential headers (<see cref="StatusHandlingOptions.SensitiveHeaders"/>): the default names,
/// and every name any client declared sensitive in this process. The cache hashes the value of any of them wherever
/// it would keep one (the <c>Vary</c> values of an entry); hashing a value one client did not need hashed costs at most
/// a miss, keeping one in clear would leak it.
/// </summary>
internal static class SensitiveHeaderNames
{
    /// <summary>The documented default of <see cref="StatusHandlingOptions.SensitiveHeaders"/>.</summary>
    public static readonly string[] Defaults =
        ["Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "Api-Key", "X-Auth-Token", "X-Access-Token"];

    private static readonly ConcurrentDictionary<string, bool> s_declared = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The names of <paramref name="names"/> as an array, each one declared sensitive process-wide.</summary>
    public static string[] Declare(IEnumerable<string>? names)
    {
        if (names is null)
        {
            return Defaults;
        }

        var list = new List<string>();
        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                continue;
            }

            list.Add(name);
            if (!FieldNames.Contains(Defaults, name))
            {
                s_declared.TryAdd(name, true);
            }
        }

        return [.. list];
    }

    /// <summary>Whether <paramref name="name"/> is a default name or was declared sensitive by a client.</summary>
    public static bool IsSensitive(string name) => FieldNames.Contains(Defaults, name) || (!s_declared.IsEmpty && s_declared.ContainsKey(name));
}
