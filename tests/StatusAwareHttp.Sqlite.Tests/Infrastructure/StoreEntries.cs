using Microsoft.Extensions.Logging.Abstractions;
using StatusAwareHttp.Sqlite;
using StatusAwareHttp.Sqlite.Internal;

namespace StatusAwareHttp.Sqlite.Tests.Infrastructure;

/// <summary>Stores and entries made directly, for the tests of the store's own rules (eviction, crash safety).</summary>
public static class StoreEntries
{
    internal static SqliteHttpCacheStore Store(string path, TimeProvider time, Action<SqliteHttpCacheOptions>? configure = null, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        var options = new SqliteHttpCacheOptions { MemoryFrontLifetime = TimeSpan.Zero };
        configure?.Invoke(options);
        return new SqliteHttpCacheStore("test", path, options, time, logger ?? NullLogger.Instance);
    }

    public static HttpCacheEntry Entry(DateTimeOffset now, int bodyBytes, byte fill = 1, string cacheControl = "max-age=60", params KeyValuePair<string, string>[] extra)
    {
        var body = new byte[bodyBytes];
        Array.Fill(body, fill);
        KeyValuePair<string, string>[] headers = [new("Cache-Control", cacheControl), new("Date", now.ToString("R")), .. extra];
        return new HttpCacheEntry(200, headers, body, now, now, []);
    }
}
