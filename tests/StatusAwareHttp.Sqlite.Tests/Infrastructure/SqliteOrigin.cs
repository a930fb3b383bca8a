using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Sqlite.Tests.Infrastructure;

/// <summary>The loopback origin (Kestrel) of the SQLite store's tests.</summary>
public static class SqliteOrigin
{
    public const int BigBytes = 1024 * 1024;

    public static readonly byte[] Big = CreateBig();

    public static Task<LoopbackServer> StartAsync()
    {
        var version = 0;
        return LoopbackServer.StartAsync(app =>
        {
            // Fresh for an hour; the origin says it already aged 100 s at a cache before this one.
            app.MapGet("/aged", (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "max-age=3600";
                c.Response.Headers.Age = "100";
                return Results.Text("aged");
            });

            // Fresh for 60 s, then revalidated with its ETag (304 when it matches).
            app.MapGet("/tagged", (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "max-age=60";
                c.Response.Headers.ETag = "\"t1\"";
                if (c.Request.Headers.IfNoneMatch == "\"t1\"")
                {
                    c.Response.StatusCode = StatusCodes.Status304NotModified;
                    return Results.Empty;
                }

                return Results.Text("tagged");
            });

            // Already stale when it arrives (Age past max-age), with a validator: the next use revalidates.
            app.MapGet("/stale-tagged", (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "max-age=10";
                c.Response.Headers.Age = "50";
                c.Response.Headers.ETag = "\"s1\"";
                if (c.Request.Headers.IfNoneMatch == "\"s1\"")
                {
                    c.Response.StatusCode = StatusCodes.Status304NotModified;
                    return Results.Empty;
                }

                return Results.Text("stale-tagged");
            });

            app.MapGet("/item", (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "max-age=600";
                return Results.Text($"v{Volatile.Read(ref version)}");
            });
            app.MapPost("/item", () =>
            {
                Interlocked.Increment(ref version);
                return Results.NoContent();
            });

            // QUERY (RFC 10008): fresh for 10 minutes, the result named by the content.
            app.MapMethods("/search", ["QUERY"], async (HttpContext c) =>
            {
                using var reader = new StreamReader(c.Request.Body);
                c.Response.Headers.CacheControl = "max-age=600";
                await c.Response.WriteAsync("found:" + await reader.ReadToEndAsync());
            });

            app.MapGet("/n/{name}", (HttpContext c, string name) =>
            {
                c.Response.Headers.CacheControl = "max-age=600";
                return Results.Text($"n:{name}");
            });

            app.MapGet("/lang", (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "max-age=600";
                c.Response.Headers.Vary = "Accept-Language";
                return Results.Text($"lang={c.Request.Headers.AcceptLanguage}");
            });

            app.MapGet("/mine", (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "private, max-age=600";
                return Results.Text($"for {c.Request.Headers.Authorization.ToString().Split(' ')[^1]}");
            });

            app.MapGet("/big", (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "max-age=600";
                return Results.Bytes(Big, "application/octet-stream");
            });
        });
    }

    private static byte[] CreateBig()
    {
        var bytes = new byte[BigBytes];
        new Random(15).NextBytes(bytes);
        return bytes;
    }
}
