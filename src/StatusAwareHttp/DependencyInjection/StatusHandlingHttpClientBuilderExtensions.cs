using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using StatusAwareHttp;
using StatusAwareHttp.Authentication.Internal;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Deprecation.Internal;
using StatusAwareHttp.Errors.Internal;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Redirects.Internal;
using StatusAwareHttp.Retries.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers StatusAwareHttp on clients made by <see cref="IHttpClientFactory"/>.</summary>
public static partial class StatusHandlingHttpClientBuilderExtensions
{
    /// <summary>
    /// Gives this client the documented meaning of HTTP status codes: handlers in front of the primary handler, whose
    /// own redirect following is turned off. Outermost first: tracing (one span per logical request), throw-on-error
    /// (when <c>Errors.ThrowOnErrorStatus</c> is on), redirects, deprecation notices, authentication (when something can answer a 401), the
    /// HTTP cache, retries, and errors (the 505 fallback and empty 204/205 content); each concern switched off is left
    /// out. Options are named after the client and validated at start-up. Calling this again on the same client adds
    /// its <paramref name="configure"/> to the options; it never adds a second set of handlers.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="configure">Changes to the defaults; <see langword="null"/> keeps them.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    // AddStatusHandling(null) means "the defaults", not a null configuration section.
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public static IHttpClientBuilder AddStatusHandling(this IHttpClientBuilder builder, Action<StatusHandlingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var services = builder.Services;
        AddStatusHandlingServices(services);
        ClientStateRegistration.AddClientState(services, builder.Name);

        var options = services.AddOptions<StatusHandlingOptions>(builder.Name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.Configure<StatusHandlingClients>(clients => clients.Names.Add(builder.Name));
        return builder;
    }

    private static void AddStatusHandlingServices(IServiceCollection services)
    {
        services.AddLogging();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StatusAwareHttpMeter>();
        services.TryAddSingleton<RedirectMetrics>();
        services.TryAddSingleton<RetryMetrics>();
        services.TryAddSingleton<ErrorMetrics>();
        services.TryAddSingleton<AuthenticationMetrics>();
        services.TryAddSingleton<CacheMetrics>();
        services.TryAddSingleton<DeprecationMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, StatusHandlingBuilderFilter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StatusHandlingOptions>, StatusHandlingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StatusHandlingOptions>, StatusHandlingOptionsCrossValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StatusHandlingOptions>, CacheControlOptionsValidator>());
    }
}
