using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.TestPeer.Core;

/// <summary>
/// An app's whole life with one store registration, for the start-up and shutdown tests:
/// <c>lifecycle &lt;memory|distributed|no-di-memory|no-di-distributed&gt; &lt;using|await-using|host|no-dispose&gt; &lt;url|-&gt; [redis configuration]</c>.
/// It sends one GET to the url (none for "-"), says <c>#status</c>, then ends the app as the second
/// argument says: a <c>using var</c> service provider (synchronous disposal), an <c>await using</c> one, a Generic Host
/// started and stopped, or none (Main returns with the provider never disposed), and says <c>#exited</c>. Logs go to
/// stdout; stderr gets only what the runtime writes of an unhandled exception.
/// </summary>
internal static class LifecycleMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length is < 3 or > 4)
        {
            await Console.Error.WriteLineAsync("usage: lifecycle <store> <exit> <url|-> [redis configuration]");
            return 2;
        }

        var (store, exit, url) = (args[0], args[1], args[2] == "-" ? null : new Uri(args[2]));
        var redis = args.Length == 4 ? args[3] : null;
        if (store.StartsWith("no-di-", StringComparison.Ordinal))
        {
            return await WithoutContainerAsync(store, url, redis);
        }

        switch (exit)
        {
            case "using":
                {
                    using var provider = Register(new ServiceCollection(), store, redis).BuildServiceProvider();
                    await SendAsync(provider, url);
                    break;
                }

            case "await-using":
                {
                    await using var provider = Register(new ServiceCollection(), store, redis).BuildServiceProvider();
                    await SendAsync(provider, url);
                    break;
                }

            case "host":
                {
                    var builder = Host.CreateApplicationBuilder();
                    builder.Logging.ClearProviders();
                    Register(builder.Services, store, redis);
                    using var host = builder.Build();
                    await host.StartAsync();
                    await SendAsync(host.Services, url);
                    await host.StopAsync();
                    break;
                }

            case "no-dispose":
                {
                    var provider = Register(new ServiceCollection(), store, redis).BuildServiceProvider();
                    await SendAsync(provider, url);
                    break;
                }

            default:
                await Console.Error.WriteLineAsync("unknown exit: " + exit);
                return 2;
        }

        PeerOutput.Signal("exited");
        return 0;
    }

    private static IServiceCollection Register(IServiceCollection services, string store, string? redis)
    {
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var client = services.AddHttpClient("app").AddStatusHandling();
        switch (store)
        {
            case "memory":
                break;
            case "distributed":
                services.AddStackExchangeRedisCache(o => o.Configuration = redis ?? throw new ArgumentException("distributed needs a redis configuration"));
                client.UseDistributedHttpCache();
                break;
            default:
                throw new ArgumentException("unknown store: " + store);
        }

        return services;
    }

    private static async Task<int> WithoutContainerAsync(string store, Uri? url, string? redis)
    {
        var services = new StatusAwareHttpHandlerServices
        {
            ConfigureClient = store == "no-di-distributed"
                ? client =>
                {
                    client.Services.AddStackExchangeRedisCache(o => o.Configuration = redis ?? throw new ArgumentException("distributed needs a redis configuration"));
                    client.UseDistributedHttpCache();
                }
                : null,
        };
        using (var client = new HttpClient(StatusAwareHttpHandler.Create(new SocketsHttpHandler(), services: services)))
        {
            if (url is not null)
            {
                using var response = await client.GetAsync(url);
                await response.Content.ReadAsStringAsync();
                PeerOutput.Say("status", (int)response.StatusCode);
            }
        }

        PeerOutput.Signal("exited");
        return 0;
    }

    private static async Task SendAsync(IServiceProvider provider, Uri? url)
    {
        if (url is null)
        {
            // Resolve the client all the same, so that its state (stores, coordinators) is made and must be disposed.
            _ = provider.GetRequiredService<IHttpClientFactory>().CreateClient("app");
            return;
        }

        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("app");
        using var response = await client.GetAsync(url);
        await response.Content.ReadAsStringAsync();
        PeerOutput.Say("status", (int)response.StatusCode);
    }
}
