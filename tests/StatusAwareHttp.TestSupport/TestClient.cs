using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>
/// A service provider with one named client ("test") that has status handling, the way an app would build it,
/// with a <see cref="FakeLogger"/> collecting the logs and optionally a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class TestClient : IAsyncDisposable
{
    public const string Name = "test";

    private TestClient(ServiceProvider services, HttpClient client, FakeLogCollector logs)
    {
        Services = services;
        Client = client;
        Logs = logs;
    }

    public ServiceProvider Services { get; }

    public HttpClient Client { get; }

    public FakeLogCollector Logs { get; }

    public static TestClient Create(
        Action<StatusHandlingOptions>? configure = null,
        Action<IHttpClientBuilder>? builder = null,
        Action<IServiceCollection>? services = null,
        TimeProvider? time = null,
        bool primaryHandlerBeforeStatusHandling = false)
    {
        var collection = new ServiceCollection();
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        if (time is not null)
        {
            collection.AddSingleton(time);
        }

        services?.Invoke(collection);
        var clientBuilder = collection.AddHttpClient(Name);
        if (primaryHandlerBeforeStatusHandling)
        {
            builder?.Invoke(clientBuilder);
            clientBuilder.AddStatusHandling(configure);
        }
        else
        {
            clientBuilder.AddStatusHandling(configure);
            builder?.Invoke(clientBuilder);
        }

        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(Name);
        return new TestClient(provider, client, provider.GetFakeLogCollector());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Services.DisposeAsync();
    }
}
