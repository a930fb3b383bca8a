using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace StatusAwareHttp.Testing.Tests.Har;

/// <summary>
/// The "real" origin a HAR is recorded from: Kestrel on 127.0.0.1, one document with an ETag that answers
/// <c>If-None-Match</c> with 304 and <c>Range</c> with 206, its <c>Date</c> from the clock the test shares with the client.
/// </summary>
internal sealed class LiveOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LiveOrigin(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Requests { get; private set; }

    public static async Task<LiveOrigin> StartAsync(TimeProvider clock, Func<HttpContext, Task>? answer = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        LiveOrigin? origin = null;
        app.Run(context =>
        {
            origin!.Requests++;
            return (answer ?? (c => Document(c, clock)))(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        origin = new LiveOrigin(app, new Uri(address + "/"));
        return origin;
    }

    /// <summary>A document fresh for 60 s, <c>"v1"</c>, with a <c>Set-Cookie</c> and a <c>Location</c> holding tokens to a POST; 304 on a matching <c>If-None-Match</c>; 206 for <c>bytes=0-3</c>.</summary>
    public static async Task Document(HttpContext context, TimeProvider clock)
    {
        var headers = context.Response.Headers;
        headers.Date = clock.GetUtcNow().ToString("r");
        headers.ETag = "\"v1\"";
        headers.CacheControl = "max-age=60";
        headers.LastModified = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToString("r");
        if (HttpMethods.IsPost(context.Request.Method))
        {
            headers.SetCookie = "session=SECRET-SET-COOKIE; Path=/"; // a response with Set-Cookie is not stored
            headers.Location = "/done?state=1&code=2&access_token=SECRET-LOCATION#token=SECRET-FRAGMENT&x=1";
        }

        if (context.Request.Headers.IfNoneMatch == "\"v1\"")
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = "text/plain";
        if (context.Request.Headers.Range == "bytes=0-3")
        {
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            headers.ContentRange = "bytes 0-3/10";
            await context.Response.WriteAsync("0123");
            return;
        }

        await context.Response.WriteAsync("0123456789");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
