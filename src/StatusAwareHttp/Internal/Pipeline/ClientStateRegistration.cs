using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Authentication.Internal;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Deprecation.Internal;
using StatusAwareHttp.Retries.Internal;

namespace StatusAwareHttp.Internal;

/// <summary>
/// The state a client keeps across requests and handler rebuilds, registered as keyed singletons under the client
/// name: the cache (<see cref="ClientCache"/>), the retries' gate and budget (<see cref="ClientRetryState"/>), the
/// bearer token refreshes (<see cref="BearerRefreshCoordinator"/>), the routes already warned about
/// (<see cref="DeprecationMemory"/>). Anything holding the service provider resolves
/// them by client name, as the handlers do.
/// </summary>
internal static class ClientStateRegistration
{
    public static void AddClientState(IServiceCollection services, string clientName)
    {
        services.TryAddKeyedSingleton(clientName, static (sp, key) => ClientCache.Create((string)key!, sp));
        services.TryAddKeyedSingleton<IHttpCache>(clientName, static (sp, key) => HttpCacheInspector.Create((string)key!, sp));
        services.TryAddKeyedSingleton(
            clientName,
            static (sp, key) => FarmGateLink.Attach(new ClientRetryState(sp.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get((string)key!).Retries), sp, (string)key!));
        services.TryAddKeyedSingleton(
            clientName,
            static (sp, key) => new DeprecationMemory(sp.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get((string)key!).Deprecation.MaxRoutesRemembered));
        services.TryAddKeyedSingleton(clientName, static (sp, _) => new BearerRefreshCoordinator(sp.GetRequiredService<AuthenticationMetrics>()));
    }
}
