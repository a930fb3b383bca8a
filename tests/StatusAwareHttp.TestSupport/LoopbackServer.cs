using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>
/// A real HTTP server (Kestrel, in the test process) on 127.0.0.1 with a random port, scripted by the test
/// through minimal-API routes. Every request it receives is recorded, body included (unless started with
/// <c>recordRequests: false</c>, as the benchmarks' origin is, where recording would be part of what is measured).
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private LoopbackServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the server's address, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the requests received so far, in order of arrival.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Gets the number of requests received for a path (without query).</summary>
    public int CountFor(string path) => _requests.Count(r => r.PathAndQuery.Split('?')[0] == path);

    /// <summary>Gets an absolute URI on this server.</summary>
    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests() => _requests.Clear();

    /// <summary>Starts a server whose routes <paramref name="routes"/> maps.</summary>
    public static async Task<LoopbackServer> StartAsync(
        Action<WebApplication> routes,
        X509Certificate2? certificate = null,
        Action<KestrelServerOptions>? kestrel = null,
        HttpProtocols protocols = HttpProtocols.Http1AndHttp2,
        bool recordRequests = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = certificate is null && protocols == HttpProtocols.Http1AndHttp2 ? HttpProtocols.Http1 : protocols;
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
            kestrel?.Invoke(options);
        });

        var app = builder.Build();
        LoopbackServer? server = null;
        if (recordRequests)
        {
            app.Use(async (context, next) =>
            {
                context.Request.EnableBuffering();
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
                context.Request.Body.Position = 0;
                var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
                server!._requests.Enqueue(new RecordedRequest(
                    context.Request.Method,
                    context.Request.Path + context.Request.QueryString,
                    headers,
                    buffer.ToArray(),
                    context.Request.Protocol));
                await next(context);
            });
        }

        routes(app);

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        server = new LoopbackServer(app, uri);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
