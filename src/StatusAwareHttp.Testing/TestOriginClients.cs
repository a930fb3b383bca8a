using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace StatusAwareHttp.Testing;

/// <summary>Clients with status handling pointed at a <see cref="TestOrigin"/>, on its clock: with <see cref="IHttpClientFactory"/> or without DI.</summary>
public static class TestOriginClients
{
    /// <summary>
    /// Makes a client without DI: <see cref="StatusAwareHttpHandler.Create"/> around a new <see cref="SocketsHttpHandler"/>,
    /// with the origin's <see cref="TestOrigin.TimeProvider"/> and <see cref="HttpClient.BaseAddress"/> set to the origin.
    /// </summary>
    /// <param name="origin">The origin.</param>
    /// <param name="configure">Changes to the defaults of <see cref="StatusHandlingOptions"/>; <see langword="null"/> keeps them.</param>
    /// <returns>The client; disposing it disposes its handler (and the handler's cache).</returns>
    public static HttpClient CreateClient(this TestOrigin origin, Action<StatusHandlingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var handler = StatusAwareHttpHandler.Create(
            new SocketsHttpHandler(),
            configure,
            new StatusAwareHttpHandlerServices { TimeProvider = origin.TimeProvider });
        return new HttpClient(handler) { BaseAddress = origin.BaseAddress };
    }

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
