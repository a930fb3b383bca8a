using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Redirects.Internal;
using StatusAwareHttp.Retries.Internal;

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

        // 4. Retries: inside the cache, next to the network. The gate and the budget outlive the handler (per client name).
        if (options.Retries.Enabled)
        {
            handlers.Add(new RetryHandler(
                clientName,
                options.Retries,
                services.GetRequiredService<RetryStateRegistry>().Get(clientName, options.Retries),
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<RetryMetrics>(),
                loggerFactory.CreateLogger<RetryHandler>()));
        }

        // 5. Errors and the 505 fallback: innermost, next to the primary handler.

        return handlers;
    }
}
