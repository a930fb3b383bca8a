using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>Makes a client's SQLite store from the app's services (the keyed registration's factory).</summary>
internal static class SqliteStoreFactory
{
    public static SqliteHttpCacheStore Create(IServiceProvider services, string clientName)
    {
        var options = services.GetRequiredService<IOptionsMonitor<SqliteHttpCacheOptions>>().Get(clientName);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<SqliteHttpCacheStore>();
        var path = options.Path;
        if (path is null)
        {
            path = SqliteDefaultPath.For(System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name);
            Log.DefaultPath(logger, clientName, path);
        }

        return new SqliteHttpCacheStore(clientName, System.IO.Path.GetFullPath(path), options, services.GetRequiredService<TimeProvider>(), logger);
    }
}
