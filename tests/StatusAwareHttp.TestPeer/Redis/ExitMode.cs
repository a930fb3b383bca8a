using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StatusAwareHttp.TestPeer.Redis;

/// <summary>
/// An app's life with <c>UseRedisCoordination</c> from start to exit, as the docs write it: services disposed by
/// <c>using</c>, by <c>await using</c>, or a Generic Host run until a hosted service stops it. The optional request
/// is made and its body read before the exit. The test asserts the exit code (0) and an empty stderr.
/// </summary>
internal static class ExitMode
{
    public static async Task<int> RunAsync(PeerArguments arguments)
    {
        var redis = arguments.Text("redis");
        var request = arguments.Text("request", "none") is var text && text != "none" ? new Uri(text) : null;
        switch (arguments.Text("dispose"))
        {
            case "using":
            {
                using var provider = Build(new ServiceCollection(), redis).BuildServiceProvider();
                provider.GetRequiredService<IStartupValidator>().Validate();
                await SendAsync(provider, request);
                break;
            }

            case "await-using":
            {
                await using var provider = Build(new ServiceCollection(), redis).BuildServiceProvider();
                provider.GetRequiredService<IStartupValidator>().Validate();
                await SendAsync(provider, request);
                break;
            }

            case "host":
            {
                var builder = Host.CreateApplicationBuilder();
                Build(builder.Services, redis);
                builder.Services.AddHostedService(services => new OneRequest(services, request));
                using var host = builder.Build();
                await host.RunAsync();
                break;
            }

            default:
                return 2;
        }

        PeerOutput.Signal("exited");
        return 0;
    }

    private static IServiceCollection Build(IServiceCollection services, string redis)
    {
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
        services.AddHttpClient("farm").AddStatusHandling().UseRedisCoordination(redis);
        return services;
    }

    private static async Task SendAsync(IServiceProvider services, Uri? request)
    {
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient("farm");
        if (request is not null)
        {
            using var response = await http.GetAsync(request);
            await response.Content.ReadAsStringAsync();
            PeerOutput.Say("status", (int)response.StatusCode);
        }
    }

    /// <summary>Makes the request once the host has started, then stops the app.</summary>
    private sealed class OneRequest(IServiceProvider services, Uri? request) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await SendAsync(services, request);
            services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        }
    }
}
