using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Sample.Tour;

/// <summary>A demo origin: Kestrel on two random ports of 127.0.0.1 (two origins), with every section's routes.</summary>
internal sealed class DemoOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);

    private DemoOrigin(WebApplication app) => _app = app;

    public Uri Origin { get; private set; } = null!;

    public Uri OtherOrigin { get; private set; } = null!;

    /// <summary>Gets how many requests reached <paramref name="path"/> (on either port).</summary>
    public int Hits(string path) => _hits.TryGetValue(path, out var n) ? n : 0;

    public static async Task<DemoOrigin> StartAsync(IEnumerable<ITourSection> sections)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var origin = new DemoOrigin(app);
        app.Use((HttpContext context, RequestDelegate next) =>
        {
            origin._hits.AddOrUpdate(context.Request.Path.Value ?? "/", 1, (_, n) => n + 1);
            return next(context);
        });
        foreach (var section in sections)
        {
            section.MapRoutes(app);
        }

        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a.TrimEnd('/') + "/"))
            .ToArray();
        origin.Origin = addresses[0];
        origin.OtherOrigin = addresses[1];
        return origin;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
