using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Redirects.Internal;

namespace StatusAwareHttp.Internal;

/// <summary>Builds one client's handlers, outermost first: redirects, authentication, cache, retries, errors.</summary>
internal static class StatusHandlingPipeline
{
    public static List<DelegatingHandler> CreateHandlers(string clientName, StatusHandlingOptions options, IServiceProvider services)
    {
        var handlers = new List<DelegatingHandler>(5);
        var loggerFactory = services.GetRequiredService<ILoggerFactory>();

        // 1. Redirects: outermost, so a cached 301 costs no round trip and every hop goes through the cache.
        if (options.Redirects.Enabled)
        {
            handlers.Add(new RedirectHandler(
                options.Redirects,
                services.GetRequiredService<RedirectMetrics>(),
                loggerFactory.CreateLogger<RedirectHandler>()));
        }

        // 2. Authentication (401): outside the cache, so the cache sees the credentials it partitions by.

        // 3. Cache: outside the retries, so it can serve stale once the retries gave up.
        if (options.Cache.Enabled)
        {
            handlers.Add(CachingHandler.Create(clientName, options.Cache, services, loggerFactory));
        }

        // 4. Retries: inside the cache, next to the network.

        // 5. Errors and the 505 fallback: innermost, next to the primary handler.

        return handlers;
    }
}
