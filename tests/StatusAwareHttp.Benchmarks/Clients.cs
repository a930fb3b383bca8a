using Microsoft.Extensions.DependencyInjection;

namespace StatusAwareHttp.Benchmarks;

/// <summary>The clients compared in one run, all against the same origin.</summary>
public sealed class Clients : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public Clients(Uri origin)
    {
        Bare = new HttpClient(new SocketsHttpHandler()) { BaseAddress = origin };

        var services = new ServiceCollection();
        services.AddHttpClient("factory", c => c.BaseAddress = origin)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddHttpClient("resilience", c => c.BaseAddress = origin)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddStandardResilienceHandler();
        services.AddHttpClient("status", c => c.BaseAddress = origin)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddStatusHandling();
        services.AddHttpClient("trivial-cache", c => c.BaseAddress = origin)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(() => new TrivialCacheHandler(TrivialStore));
        services.AddHttpClient("trivial-revalidator", c => c.BaseAddress = origin)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(() => new TrivialRevalidatingHandler(TrivialValidators));
        _services = services.BuildServiceProvider();
        var factory = _services.GetRequiredService<IHttpClientFactory>();
        Factory = factory.CreateClient("factory");
        Resilience = factory.CreateClient("resilience");
        Status = factory.CreateClient("status");
        TrivialCache = factory.CreateClient("trivial-cache");
        TrivialRevalidator = factory.CreateClient("trivial-revalidator");
    }

    /// <summary>Gets the trivial cache's dictionary (body bytes by URI).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> TrivialStore { get; } = new();

    /// <summary>Gets the trivial revalidator's dictionary (ETag and body by URI).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, (string ETag, byte[] Body)> TrivialValidators { get; } = new();

    /// <summary>Gets the ceiling of a fresh hit: a factory client with <see cref="TrivialCacheHandler"/>.</summary>
    public HttpClient TrivialCache { get; }

    /// <summary>Gets the ceiling of a 304: a factory client with <see cref="TrivialRevalidatingHandler"/>.</summary>
    public HttpClient TrivialRevalidator { get; }

    /// <summary>Gets a bare HttpClient on a SocketsHttpHandler: the baseline.</summary>
    public HttpClient Bare { get; }

    /// <summary>Gets a plain IHttpClientFactory client: what every factory client costs before any handler is added.</summary>
    public HttpClient Factory { get; }

    /// <summary>Gets a client with AddStandardResilienceHandler() (Microsoft.Extensions.Http.Resilience).</summary>
    public HttpClient Resilience { get; }

    /// <summary>Gets a client with AddStatusHandling() and default options.</summary>
    public HttpClient Status { get; }

    public async ValueTask DisposeAsync()
    {
        Bare.Dispose();
        await _services.DisposeAsync();
    }
}
