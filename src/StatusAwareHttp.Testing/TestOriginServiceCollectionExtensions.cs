using Microsoft.Extensions.DependencyInjection.Extensions;
using StatusAwareHttp;
using StatusAwareHttp.Testing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IHttpClientFactory"/> clients with status handling pointed at a <see cref="TestOrigin"/>, on its clock.</summary>
public static class TestOriginServiceCollectionExtensions
{
    /// <summary>
    /// Registers a named client with <c>AddStatusHandling</c> whose <see cref="HttpClient.BaseAddress"/> is the origin, and
    /// the origin's <see cref="TestOrigin.TimeProvider"/> as the <see cref="TimeProvider"/> service unless one is registered.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name.</param>
    /// <param name="origin">The origin.</param>
    /// <param name="configure">Changes to the defaults of <see cref="StatusHandlingOptions"/>; <see langword="null"/> keeps them.</param>
    /// <returns>The client builder, to add more handlers.</returns>
    public static IHttpClientBuilder AddTestOriginClient(
        this IServiceCollection services, string name, TestOrigin origin, Action<StatusHandlingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(origin);
        services.TryAddSingleton(origin.TimeProvider);
        return services
            .AddHttpClient(name, client => client.BaseAddress = origin.BaseAddress)
            .AddStatusHandling(configure);
    }
}
