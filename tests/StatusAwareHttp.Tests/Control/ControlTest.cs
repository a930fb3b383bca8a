using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Control;

/// <summary>An origin for the cache-control tests: <c>/v/{name}</c> answers 200 "n=count" with max-age=60 and ETag "e", or 304 to If-None-Match "e".</summary>
internal static class ControlTest
{
    public static Task<LoopbackServer> StartOriginAsync(FakeTimeProvider time, string cacheControl = "max-age=60") =>
        LoopbackServer.StartAsync(app =>
        {
            var count = 0;
            app.MapGet("/v/{name}", (HttpContext context) =>
            {
                var n = Interlocked.Increment(ref count);
                context.Response.Headers.Date = time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);
                context.Response.Headers.ETag = "\"e\"";
                if (cacheControl.Length > 0)
                {
                    context.Response.Headers.CacheControl = cacheControl;
                }

                if (context.Request.Headers.IfNoneMatch == "\"e\"")
                {
                    context.Response.StatusCode = 304;
                    return Task.CompletedTask;
                }

                return context.Response.WriteAsync("n=" + n.ToString(CultureInfo.InvariantCulture));
            });
            app.MapGet("/plain/{name}", (HttpContext context) =>
            {
                var n = Interlocked.Increment(ref count);
                return context.Response.WriteAsync("n=" + n.ToString(CultureInfo.InvariantCulture));
            });
            app.MapGet("/nostore/{name}", (HttpContext context) =>
            {
                var n = Interlocked.Increment(ref count);
                context.Response.Headers.CacheControl = "no-store";
                return context.Response.WriteAsync("n=" + n.ToString(CultureInfo.InvariantCulture));
            });
            app.MapPost("/v/{name}", () => "posted");
        });

    public static async Task<(HttpResponseMessage Response, string Body)> GetAsync(HttpClient client, Uri uri, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        configure?.Invoke(request);
        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }
}
