using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Sample.Tour;

namespace StatusAwareHttp.Sample.Sections;

/// <summary>The app in control of its cache: a request mode (force-cache) and the offline switch of IHttpCache.</summary>
internal sealed class CacheControlSection : ITourSection
{
    public int Order => 250;

    public string Title => "The app in control of its cache (cache modes, offline)";

    public void MapRoutes(WebApplication origin)
    {
        origin.MapGet("/control/stale", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=0"; // stale at once; stored because it has a validator
            c.Response.Headers.ETag = "\"t1\"";
            return Results.Text("the timetable");
        });
        origin.MapGet("/control/stored", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            return Results.Text("the saved article");
        });
        origin.MapGet("/control/never-fetched", () => Results.Text("not seen offline"));
    }

    public void ConfigureServices(IServiceCollection services, IHttpClientBuilder demoClient)
    {
    }

    public IReadOnlyList<TourStop> Stops { get; } =
    [
        new("force-cache: a stale response without asking", "GET /control/stale, then again with SetCacheMode(ForceCache)", async (ctx, ct) =>
        {
            await GetAsync(ctx, "/control/stale", null, ct);
            var (status, body, cacheStatus) = await GetAsync(ctx, "/control/stale", HttpCacheMode.ForceCache, ct);
            var hits = ctx.Demo.Hits("/control/stale");
            var ok = hits == 1 && status == 200 && body == "the timetable" && cacheStatus.Contains("detail=force-cache", StringComparison.Ordinal);
            return new StopResult($"200 with max-age=0 and an ETag, once ({hits} request)", $"served the stale response from storage, no request: Cache-Status: {cacheStatus}", $"{status}: \"{body}\"", ok);
        }),
        new("Offline: answered from storage, a miss is a 504", "GET /control/stored; IHttpCache.Offline = true; GET /control/stored and /control/never-fetched", async (ctx, ct) =>
        {
            var cache = ctx.Services.GetRequiredKeyedService<IHttpCache>(TourRunner.DemoClient);
            await GetAsync(ctx, "/control/stored", null, ct);
            cache.Offline = true;
            try
            {
                var (status, body, cacheStatus) = await GetAsync(ctx, "/control/stored", null, ct);
                var (missStatus, _, missCacheStatus) = await GetAsync(ctx, "/control/never-fetched", null, ct);
                var ok = status == 200 && body == "the saved article" && cacheStatus.Contains("detail=offline", StringComparison.Ordinal)
                    && missStatus == 504 && ctx.Demo.Hits("/control/stored") == 1 && ctx.Demo.Hits("/control/never-fetched") == 0;
                return new StopResult(
                    "200 with max-age=60 once; nothing while offline",
                    $"answered both from storage without the network: {cacheStatus}; the miss: {missCacheStatus}",
                    $"{status}: \"{body}\", then {missStatus}",
                    ok);
            }
            finally
            {
                cache.Offline = false;
            }
        }),
    ];

    private static async Task<(int Status, string Body, string CacheStatus)> GetAsync(TourContext ctx, string path, HttpCacheMode? mode, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (mode is { } m)
        {
            request.SetCacheMode(m);
        }

        using var response = await ctx.Client.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var cacheStatus = response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : "(none)";
        return ((int)response.StatusCode, body, cacheStatus);
    }
}
