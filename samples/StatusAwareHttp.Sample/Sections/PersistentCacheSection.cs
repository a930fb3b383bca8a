using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Sample.Tour;

namespace StatusAwareHttp.Sample.Sections;

/// <summary>The persistent cache stop: one app instance stores in a SQLite file, the next (a new provider) serves from it.</summary>
internal sealed class PersistentCacheSection : ITourSection
{
    public int Order => 250;

    public string Title => "Persistent cache (SQLite file)";

    public void MapRoutes(WebApplication origin)
    {
        origin.MapGet("/persistent/report", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=3600";
            return Results.Text("the quarterly report");
        });
    }

    public void ConfigureServices(IServiceCollection services, IHttpClientBuilder demoClient)
    {
    }

    public IReadOnlyList<TourStop> Stops { get; } =
    [
        new("Served from disk after a restart", "GET /persistent/report in one service provider, then again in a new one on the same file", async (ctx, ct) =>
        {
            var folder = Path.Combine(Path.GetTempPath(), "statusawarehttp-tour-" + Guid.NewGuid().ToString("N"));
            var file = Path.Combine(folder, "http-cache.db");
            try
            {
                // The first run of the app: a miss, stored in the file.
                await using (var first = Provider(ctx.Origin, file))
                {
                    await GetAsync(first, ct);
                }

                // The app starts again: a new provider, nothing in memory, the same file.
                await using var second = Provider(ctx.Origin, file);
                var (status, body, cacheStatus, age) = await GetAsync(second, ct);
                var hits = ctx.Demo.Hits("/persistent/report");
                var ok = hits == 1 && cacheStatus.Contains("; hit", StringComparison.Ordinal) && cacheStatus.Contains("detail=disk", StringComparison.Ordinal) && body == "the quarterly report";
                return new StopResult(
                    $"200, max-age=3600, once ({hits} request)",
                    $"the first provider stored it in {Path.GetFileName(file)}; the second served it from the file with Age: {age}: Cache-Status: {cacheStatus}",
                    $"{status}: \"{body}\"",
                    ok);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }),
    ];

    private static ServiceProvider Provider(Uri origin, string file)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("persistent", c => c.BaseAddress = origin).UseSqliteHttpCache(file);
        return services.BuildServiceProvider();
    }

    private static async Task<(int Status, string Body, string CacheStatus, string Age)> GetAsync(IServiceProvider services, CancellationToken ct)
    {
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("persistent");
        using var response = await client.GetAsync(new Uri("/persistent/report", UriKind.Relative), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var cacheStatus = response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : "(none)";
        return ((int)response.StatusCode, body, cacheStatus, response.Headers.Age?.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) ?? "(none)");
    }
}
