using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp;

/// <summary>
/// The whole StatusAwareHttp pipeline around an inner handler, for code without dependency injection:
/// <c>new HttpClient(StatusAwareHttpHandler.Create(new SocketsHttpHandler(), o =&gt; ...))</c>. It behaves as a client
/// registered with <c>AddStatusHandling</c>: the same handlers in the same order (redirects, deprecation notices, authentication, cache,
/// retries, errors), the inner handler's own redirect following turned off, the same option validation.
/// </summary>
/// <remarks>
/// Each handler has its own state (cache, retry budget and gates, token refreshes): share one handler (or one
/// <see cref="HttpClient"/>) rather than making one per request. Disposing it disposes what it made (the memory
/// store, its meter factory, background revalidations) and, unless <see cref="StatusAwareHttpHandlerServices.DisposeInnerHandler"/>
/// is <see langword="false"/>, the inner handler; never the instances of <see cref="StatusAwareHttpHandlerServices"/>.
/// </remarks>
public sealed class StatusAwareHttpHandler : DelegatingHandler
{
    private readonly ServiceProvider _services;

    private StatusAwareHttpHandler(HttpMessageHandler pipeline, ServiceProvider services, string clientName)
        : base(pipeline)
    {
        _services = services;
        Cache = services.GetRequiredKeyedService<IHttpCache>(clientName);
    }

    /// <summary>
    /// Gets this handler's HTTP cache, to list and purge what it stores and to switch it offline (the same object DI
    /// gives as the keyed <see cref="IHttpCache"/> of a client). Present even when <see cref="CacheOptions.Enabled"/>
    /// is off (then nothing is stored).
    /// </summary>
    public IHttpCache Cache { get; }

    /// <summary>Builds the pipeline around <paramref name="innerHandler"/>.</summary>
    /// <param name="innerHandler">
    /// The handler that sends the requests, usually a new <see cref="SocketsHttpHandler"/>; its <c>AllowAutoRedirect</c>
    /// is turned off, so it must not have sent a request yet.
    /// </param>
    /// <param name="configure">Changes to the defaults; <see langword="null"/> keeps them.</param>
    /// <param name="services">The logger factory, clock, meter factory and cache store to use; <see langword="null"/> for none.</param>
    /// <returns>The outermost handler, to give to <see cref="HttpClient(HttpMessageHandler)"/>.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid (the same message as at DI start-up).</exception>
    /// <exception cref="InvalidOperationException"><paramref name="innerHandler"/> has already sent a request.</exception>
    public static StatusAwareHttpHandler Create(
        HttpMessageHandler innerHandler,
        Action<StatusHandlingOptions>? configure = null,
        StatusAwareHttpHandlerServices? services = null)
    {
        ArgumentNullException.ThrowIfNull(innerHandler);
        services ??= new StatusAwareHttpHandlerServices();
        var name = services.ClientName;
        ArgumentException.ThrowIfNullOrEmpty(name, "services.ClientName");

        var provider = BuildServices(name, configure, services);
        try
        {
            var options = provider.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get(name);
            PrimaryHandlerRedirects.Disable(innerHandler, name, provider.GetRequiredService<ILogger<StatusHandlingBuilderFilter>>());

            HttpMessageHandler next = services.DisposeInnerHandler ? innerHandler : new NonDisposingHandler(innerHandler);
            var handlers = StatusHandlingPipeline.CreateHandlers(name, options, provider);
            for (var i = handlers.Count - 1; i >= 0; i--)
            {
                handlers[i].InnerHandler = next;
                next = handlers[i];
            }

            return new StatusAwareHttpHandler(next, provider, name);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // What the handler made goes first (background revalidations stop, a store writes what it still holds), then
        // the handlers and the inner handler.
        if (disposing)
        {
            _services.Dispose();
        }

        base.Dispose(disposing);
    }

    private static ServiceProvider BuildServices(string name, Action<StatusHandlingOptions>? configure, StatusAwareHttpHandlerServices given)
    {
        // The same registrations as AddStatusHandling, in a container of this handler's own. Instances the caller
        // gave are registered first (the library's registrations only add what is missing) and, being instances,
        // are not disposed with the container.
        var collection = new ServiceCollection();
        if (given.LoggerFactory is { } loggerFactory)
        {
            collection.AddSingleton(loggerFactory);
        }

        if (given.TimeProvider is { } timeProvider)
        {
            collection.AddSingleton(timeProvider);
        }

        if (given.MeterFactory is { } meterFactory)
        {
            collection.AddSingleton(meterFactory);
        }

        if (given.CacheStore is { } store)
        {
            collection.AddKeyedSingleton(name, store);
        }

        var client = collection.AddHttpClient(name).AddStatusHandling(configure);
        if (given.ConfigureClient is { } configureClient)
        {
            var factorySettings = CountFactorySettings(collection);
            configureClient(client);
            if (CountFactorySettings(collection) != factorySettings)
            {
                throw new ArgumentException(
                    "StatusAwareHttpHandlerServices.ConfigureClient added message handlers or HttpClient settings, which a handler made without IHttpClientFactory cannot use; register stores, coordination and their options there only.",
                    nameof(given));
            }
        }

        var provider = collection.BuildServiceProvider();
        try
        {
            // What IHost does at start: every option registered with ValidateOnStart (the stores' too) is checked now.
            provider.GetService<IStartupValidator>()?.Validate();
        }
        catch
        {
            provider.Dispose();
            throw;
        }

        return provider;
    }

    private static int CountFactorySettings(IServiceCollection services)
    {
        var count = 0;
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(IConfigureOptions<HttpClientFactoryOptions>))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Stands between the pipeline and an inner handler that the caller keeps: disposing it leaves the inner one alone.</summary>
    private sealed class NonDisposingHandler(HttpMessageHandler inner) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _inner = new(inner, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _inner.SendAsync(request, cancellationToken);

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _inner.Send(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
