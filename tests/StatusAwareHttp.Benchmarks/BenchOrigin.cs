using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Benchmarks;

/// <summary>
/// The loopback origin every scenario talks to: the tests' Kestrel on 127.0.0.1 (<see cref="LoopbackServer"/>, without
/// its recording of requests, which would be part of what is measured), one per benchmark process, with the
/// benchmarks' routes.
/// </summary>
public sealed class BenchOrigin : IAsyncDisposable
{
    public const int SmallBodyBytes = 1024;
    public const int BigBodyBytes = 8 * 1024 * 1024;

    private static readonly byte[] s_small = Enumerable.Range(0, SmallBodyBytes).Select(i => (byte)('a' + (i % 26))).ToArray();
    private static readonly byte[] s_chunk = new byte[64 * 1024];
    private static readonly string s_padding = new('p', 1024);

    private LoopbackServer _server = null!;
    private long _requests;

    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>Gets the number of requests the origin has answered.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    public static async Task<BenchOrigin> StartAsync()
    {
        var origin = new BenchOrigin();
        origin._server = await LoopbackServer.StartAsync(origin.Map, recordRequests: false);
        return origin;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static Task Small(HttpContext c, string cacheControl)
    {
        c.Response.Headers.CacheControl = cacheControl;
        c.Response.Headers.ETag = "\"r1\"";
        c.Response.ContentType = "text/plain";
        c.Response.ContentLength = s_small.Length;
        return c.Response.Body.WriteAsync(s_small, c.RequestAborted).AsTask();
    }

    private void Map(WebApplication app)
    {
        app.Use((HttpContext c, RequestDelegate next) =>
        {
            Interlocked.Increment(ref _requests);
            return next(c);
        });

        // A 1 KiB body nobody may store: the baseline of every ratio.
        app.MapGet("/nostore", (HttpContext c) => Small(c, "no-store"));

        // A 1 KiB body fresh for a day: the fresh hit, and (with a unique query) the miss that stores.
        app.MapGet("/fresh", (HttpContext c) => Small(c, "max-age=86400"));

        // A 1 KiB body that must be revalidated each time: 304 when the ETag matches.
        app.MapGet("/revalidate", (HttpContext c) =>
        {
            c.Response.Headers.ETag = "\"r1\"";
            c.Response.Headers.CacheControl = "no-cache";
            if (c.Request.Headers.IfNoneMatch == "\"r1\"")
            {
                c.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            return Small(c, "no-cache");
        });

        // A 64 KiB body with 1 KiB of header fields that must be revalidated each time: 304 when the ETag matches (the
        // SQLite store's bytes written per 304).
        app.MapGet("/revalidate-large", (HttpContext c) =>
        {
            c.Response.Headers.ETag = "\"l1\"";
            c.Response.Headers.CacheControl = "no-cache";
            c.Response.Headers["X-Padding"] = s_padding;
            if (c.Request.Headers.IfNoneMatch == "\"l1\"")
            {
                c.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            c.Response.ContentType = "application/octet-stream";
            c.Response.ContentLength = s_chunk.Length;
            return c.Response.Body.WriteAsync(s_chunk, c.RequestAborted).AsTask();
        });

        // A cacheable permanent redirect to the fresh resource.
        app.MapGet("/moved", (HttpContext c) =>
        {
            c.Response.StatusCode = StatusCodes.Status301MovedPermanently;
            c.Response.Headers.Location = "/fresh";
            c.Response.Headers.CacheControl = "max-age=86400";
            return Task.CompletedTask;
        });

        // A slow (10 ms) cacheable body, for concurrent identical requests.
        app.MapGet("/slow", async (HttpContext c) =>
        {
            await Task.Delay(10, c.RequestAborted);
            await Small(c, "max-age=60");
        });

        // A slow (20 ms) body nobody may store, for concurrent GETs that the cache must not serialise.
        app.MapGet("/slow-nostore", async (HttpContext c) =>
        {
            await Task.Delay(20, c.RequestAborted);
            await Small(c, "no-store");
        });

        // 8 MiB, written in 64 KiB chunks.
        app.MapGet("/big", async (HttpContext c) =>
        {
            c.Response.ContentLength = BigBodyBytes;
            c.Response.Headers.CacheControl = "max-age=60";
            for (var written = 0; written < BigBodyBytes; written += s_chunk.Length)
            {
                await c.Response.Body.WriteAsync(s_chunk, c.RequestAborted);
            }
        });
    }
}
