using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Sample.Tour;

namespace StatusAwareHttp.Sample.Sections;

/// <summary>The cache stops: a fresh hit, a 304 revalidation, a Vary split, stale-if-error, and a QUERY keyed by its content.</summary>
internal sealed class CacheSection : ITourSection
{
    private int _flakyCalls;

    public int Order => 200;

    public string Title => "HTTP cache (RFC 9111, RFC 5861, RFC 9211, RFC 10008)";

    public void MapRoutes(WebApplication origin)
    {
        origin.MapGet("/cache/fresh", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            return Results.Text("the price list");
        });
        origin.MapGet("/cache/etag", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "no-cache"; // store, but ask the origin before every use
            c.Response.Headers.ETag = "\"v1\"";
            return c.Request.Headers.IfNoneMatch == "\"v1\"" ? Results.StatusCode(304) : Results.Text("the catalogue, version 1");
        });
        origin.MapGet("/cache/vary", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            c.Response.Headers.Vary = "Accept-Language";
            return Results.Text(c.Request.Headers.AcceptLanguage == "fr" ? "bonjour" : "hello");
        });
        origin.MapMethods("/cache/query", ["QUERY"], async (HttpContext c) =>
        {
            // RFC 10008: the content is the query; the answer is cacheable like a GET's.
            using var reader = new StreamReader(c.Request.Body);
            var query = await reader.ReadToEndAsync();
            c.Response.Headers.CacheControl = "max-age=60";
            c.Response.Headers.Location = "/cache/stored-queries/1";
            await c.Response.WriteAsync(query.Contains("\"b\"", StringComparison.Ordinal) ? "2 contacts named b" : "3 contacts named a");
        });
        origin.MapGet("/cache/flaky", (HttpContext c) =>
        {
            if (Interlocked.Increment(ref _flakyCalls) == 1)
            {
                c.Response.Headers.CacheControl = "max-age=0, stale-if-error=300";
                return Results.Text("yesterday's report");
            }

            return Results.Text("database down", statusCode: 500);
        });
    }

    public void ConfigureServices(IServiceCollection services, IHttpClientBuilder demoClient)
    {
    }

    public IReadOnlyList<TourStop> Stops { get; } =
    [
        new("A fresh hit", "GET /cache/fresh twice", async (ctx, ct) =>
        {
            await GetAsync(ctx, "/cache/fresh", null, ct);
            var (status, body, cacheStatus) = await GetAsync(ctx, "/cache/fresh", null, ct);
            var hits = ctx.Demo.Hits("/cache/fresh");
            var ok = hits == 1 && cacheStatus.Contains("; hit", StringComparison.Ordinal) && body == "the price list";
            return new StopResult($"200, max-age=60, once ({hits} request)", $"served the second from storage: Cache-Status: {cacheStatus}", $"{status}: \"{body}\"", ok);
        }),
        new("A 304 revalidation", "GET /cache/etag twice", async (ctx, ct) =>
        {
            await GetAsync(ctx, "/cache/etag", null, ct);
            var (status, body, cacheStatus) = await GetAsync(ctx, "/cache/etag", null, ct);
            var ok = ctx.Demo.Hits("/cache/etag") == 2 && status == 200 && cacheStatus.Contains("fwd-status=304", StringComparison.Ordinal) && body == "the catalogue, version 1";
            return new StopResult("200 with ETag \"v1\" and no-cache, then 304 to If-None-Match: \"v1\"", $"sent If-None-Match, turned the 304 into the stored 200: Cache-Status: {cacheStatus}", $"{status}: \"{body}\"", ok);
        }),
        new("A Vary split", "GET /cache/vary with Accept-Language en, fr, en", async (ctx, ct) =>
        {
            await GetAsync(ctx, "/cache/vary", "en", ct);
            var (_, fr, frStatus) = await GetAsync(ctx, "/cache/vary", "fr", ct);
            var (status, en, enStatus) = await GetAsync(ctx, "/cache/vary", "en", ct);
            var ok = ctx.Demo.Hits("/cache/vary") == 2 && fr == "bonjour" && en == "hello" && frStatus.Contains("vary-miss", StringComparison.Ordinal) && enStatus.Contains("; hit", StringComparison.Ordinal);
            return new StopResult("200 Vary: Accept-Language, twice (en, fr)", $"kept one response per language; fr was a vary-miss, the second en a hit: {enStatus}", $"{status}: \"{fr}\" then \"{en}\"", ok);
        }),
        new("stale-if-error", "GET /cache/flaky twice (the origin fails the second time)", async (ctx, ct) =>
        {
            await GetAsync(ctx, "/cache/flaky", null, ct);
            var (status, body, cacheStatus) = await GetAsync(ctx, "/cache/flaky", null, ct);
            var ok = ctx.Demo.Hits("/cache/flaky") == 2 && status == 200 && body == "yesterday's report" && cacheStatus.Contains("detail=stale-if-error", StringComparison.Ordinal);
            return new StopResult("200 with max-age=0, stale-if-error=300, then 500", $"served the stale response instead of the 500: Cache-Status: {cacheStatus}", $"{status}: \"{body}\"", ok);
        }),
        new("A QUERY keyed by its content", "QUERY /cache/query with {\"q\":\"a\"}, { \"q\" : \"a\" }, then {\"q\":\"b\"}", async (ctx, ct) =>
        {
            await QueryAsync(ctx, """{"q":"a"}""", ct);
            var (status, body, cacheStatus, location) = await QueryAsync(ctx, """{ "q" : "a" }""", ct);
            var (_, other, otherStatus, _) = await QueryAsync(ctx, """{"q":"b"}""", ct);
            var ok = ctx.Demo.Hits("/cache/query") == 2 && body == "3 contacts named a" && other == "2 contacts named b"
                && cacheStatus.Contains("; hit", StringComparison.Ordinal) && otherStatus.Contains("fwd=uri-miss", StringComparison.Ordinal)
                && location == new Uri(ctx.Origin, "/cache/stored-queries/1");
            return new StopResult(
                "200, max-age=60, Location: /cache/stored-queries/1, for each content",
                $"keyed the answer by a SHA-256 of the content (JSON whitespace aside): the same query a hit ({cacheStatus}), another a miss",
                $"{status}: \"{body}\", then \"{other}\"; GetQueryLocation() = {location}",
                ok);
        }),
    ];

    private static async Task<(int Status, string Body, string CacheStatus, Uri? Location)> QueryAsync(TourContext ctx, string json, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Query, "/cache/query") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        using var response = await ctx.Client.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var cacheStatus = response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : "(none)";
        return ((int)response.StatusCode, body, cacheStatus, response.GetQueryLocation());
    }

    private static async Task<(int Status, string Body, string CacheStatus)> GetAsync(TourContext ctx, string path, string? language, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (language is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", language);
        }

        using var response = await ctx.Client.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var cacheStatus = response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : "(none)";
        return ((int)response.StatusCode, body, cacheStatus);
    }
}
