namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The names this process's caches write in <c>Cache-Status</c> (<see cref="CacheOptions.CacheName"/>), each added
/// when a cache starts writing it, so that <see cref="HttpCacheResponseExtensions.GetCacheStatus"/> can tell our member
/// from one an upstream cache wrote, with nothing kept per response. A copied array replaced whole: readers take no
/// lock. Names come from options, so the set stays as small as the number of distinct names configured.
/// </summary>
internal static class CacheStatusNames
{
    private static string[] s_names = [];

    public static void Add(string name)
    {
        while (true)
        {
            var names = Volatile.Read(ref s_names);
            if (Array.IndexOf(names, name) >= 0 || Interlocked.CompareExchange(ref s_names, [.. names, name], names) == names)
            {
                return;
            }
        }
    }

    public static bool Contains(string name) => Array.IndexOf(Volatile.Read(ref s_names), name) >= 0;
}
