using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Sample.Tour;

namespace StatusAwareHttp.Sample.Sections;

/// <summary>The retry stops: a 503 with Retry-After becoming a 200, a POST not retried, a keyed POST retried, a Retry-After over the cap.</summary>
internal sealed class RetrySection : ITourSection
{
    // A client of its own (the demo defaults otherwise): the origin gate is per client, so the last stop's
    // "hold this origin" does not hold the demo client's later sections.
    private const string RetryClient = "retries";

    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public int Order => 300;

    public string Title => "Retries (RFC 9110 §15.6.4, §10.2.3)";

    public void MapRoutes(WebApplication origin)
    {
        // Each path answers 503 (with its Retry-After) the first time, then 200 with the method and body it got.
        origin.Map("/retries/unavailable-once", (HttpContext c) => OnceThen(c, "1"));
        origin.Map("/retries/order", (HttpContext c) => OnceThen(c, "1"));
        origin.Map("/retries/keyed-order", (HttpContext c) => OnceThen(c, "1"));
        origin.Map("/retries/maintenance", (HttpContext c) => OnceThen(c, "120"));
    }

    public void ConfigureServices(IServiceCollection services, IHttpClientBuilder demoClient) =>
        services.AddHttpClient(RetryClient).AddStatusHandling();

    public IReadOnlyList<TourStop> Stops { get; } =
    [
        new("503 with Retry-After: 1 becomes a 200", "GET /retries/unavailable-once", async (ctx, ct) =>
        {
            var watch = Stopwatch.StartNew();
            using var response = await Client(ctx).GetAsync(new Uri(ctx.Origin, "/retries/unavailable-once"), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var waited = watch.Elapsed;
            var ok = response.IsSuccessStatusCode && ctx.Demo.Hits("/retries/unavailable-once") == 2 && waited >= TimeSpan.FromSeconds(1);
            return new StopResult("503 Retry-After: 1, then 200", $"waited {waited.TotalSeconds:0.0} s as asked, sent the GET again", $"{(int)response.StatusCode}: \"{text}\"", ok);
        }),
        new("A POST is not retried", "POST /retries/order (body 8 bytes)", async (ctx, ct) =>
        {
            using var response = await Client(ctx).PostAsync(new Uri(ctx.Origin, "/retries/order"), new StringContent("order=42"), ct);
            var ok = (int)response.StatusCode == 503 && ctx.Demo.Hits("/retries/order") == 1 && response.GetRetryAfter() == TimeSpan.FromSeconds(1);
            return new StopResult("503 Retry-After: 1", "handed back: POST is not idempotent (it may have taken effect)", $"{(int)response.StatusCode}, GetRetryAfter() = {response.GetRetryAfter()?.TotalSeconds} s", ok);
        }),
        new("A POST with Idempotency-Key is retried", "POST /retries/keyed-order with Idempotency-Key (body 8 bytes)", async (ctx, ct) =>
        {
            var watch = Stopwatch.StartNew();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ctx.Origin, "/retries/keyed-order")) { Content = new StringContent("order=42") };
            request.Headers.Add("Idempotency-Key", $"\"{Guid.NewGuid()}\"");
            using var response = await Client(ctx).SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var ok = response.IsSuccessStatusCode && text == "POST with 8 body bytes" && ctx.Demo.Hits("/retries/keyed-order") == 2;
            var library = $"waited {watch.Elapsed.TotalSeconds:0.0} s (the gate the previous stop's 503 closed, then this 503's Retry-After), sent the POST again with the same key and the whole body";
            return new StopResult("503 Retry-After: 1, then 200", library, $"{(int)response.StatusCode}: \"{text}\"", ok);
        }),
        new("Retry-After: 120 is over the 30 s cap", "GET /retries/maintenance", async (ctx, ct) =>
        {
            var watch = Stopwatch.StartNew();
            using var response = await Client(ctx).GetAsync(new Uri(ctx.Origin, "/retries/maintenance"), ct);
            var ok = (int)response.StatusCode == 503 && response.GetRetryAfter() == TimeSpan.FromSeconds(120) && watch.Elapsed < TimeSpan.FromSeconds(5);
            return new StopResult("503 Retry-After: 120", "not waited out: handed back at once (this client now holds the origin for 30 s)", $"{(int)response.StatusCode} after {watch.ElapsedMilliseconds} ms, GetRetryAfter() = {response.GetRetryAfter()?.TotalSeconds} s", ok);
        }),
    ];

    private static HttpClient Client(TourContext ctx) => ctx.Services.GetRequiredService<IHttpClientFactory>().CreateClient(RetryClient);

    private async Task OnceThen(HttpContext context, string retryAfter)
    {
        var path = context.Request.Path.Value ?? "/";
        if (_calls.AddOrUpdate(path, 1, (_, n) => n + 1) == 1)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = retryAfter;
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        await context.Response.WriteAsync($"{context.Request.Method} with {body.Length} body bytes", context.RequestAborted);
    }
}
