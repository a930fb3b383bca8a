using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Sample.Tour;

namespace StatusAwareHttp.Sample.Sections;

/// <summary>The redirect stops: 301, 303, 307, 308, 300, a loop, and a hop to another origin.</summary>
internal sealed class RedirectSection : ITourSection
{
    public int Order => 100;

    public string Title => "Redirects (RFC 9110 §15.4)";

    public void MapRoutes(WebApplication origin)
    {
        origin.Map("/redirects/echo", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var auth = context.Request.Headers.Authorization.Count > 0 ? "with" : "without";
            return Results.Text($"{context.Request.Method} with {body.Length} body bytes, {auth} Authorization");
        });
        origin.Map("/redirects/301", () => Results.Redirect("/redirects/echo", permanent: true));
        origin.Map("/redirects/303", (HttpContext c) => Status(c, 303, "/redirects/echo"));
        origin.Map("/redirects/307", () => Results.Redirect("/redirects/echo", permanent: false, preserveMethod: true));
        origin.Map("/redirects/308", () => Results.Redirect("/redirects/echo", permanent: true, preserveMethod: true));
        origin.Map("/redirects/300", (HttpContext c) => Status(c, 300, "/redirects/echo"));
        origin.Map("/redirects/loop-a", () => Results.Redirect("/redirects/loop-b"));
        origin.Map("/redirects/loop-b", () => Results.Redirect("/redirects/loop-a"));
        origin.Map("/redirects/away", (HttpContext c) => Results.Redirect(new Uri(new Uri(c.Request.Query["to"]!), "/redirects/echo").ToString()));
    }

    public void ConfigureServices(IServiceCollection services, IHttpClientBuilder demoClient)
    {
    }

    public IReadOnlyList<TourStop> Stops { get; } =
    [
        new("301 Moved Permanently after POST", "POST /redirects/301 (body 5 bytes)", (ctx, ct) =>
            Run(ctx, HttpMethod.Post, "/redirects/301", "301 -> /redirects/echo", "followed; POST became GET, body dropped", "GET with 0 body bytes", ct)),
        new("303 See Other after POST", "POST /redirects/303 (body 5 bytes)", (ctx, ct) =>
            Run(ctx, HttpMethod.Post, "/redirects/303", "303 -> /redirects/echo", "followed with GET, body and Content-* dropped", "GET with 0 body bytes", ct)),
        new("307 Temporary Redirect after POST", "POST /redirects/307 (body 5 bytes)", (ctx, ct) =>
            Run(ctx, HttpMethod.Post, "/redirects/307", "307 -> /redirects/echo", "followed keeping POST and the body", "POST with 5 body bytes", ct)),
        new("308 Permanent Redirect after PUT", "PUT /redirects/308 (body 5 bytes)", (ctx, ct) =>
            Run(ctx, HttpMethod.Put, "/redirects/308", "308 -> /redirects/echo", "followed keeping PUT and the body", "PUT with 5 body bytes", ct)),
        new("300 Multiple Choices", "GET /redirects/300", async (ctx, ct) =>
        {
            using var response = await ctx.Client.GetAsync("/redirects/300", ct);
            var ok = (int)response.StatusCode == 300 && response.GetRedirectHops().Count == 0;
            return new StopResult("300 with Location /redirects/echo", "handed back, not followed", $"{(int)response.StatusCode} {response.ReasonPhrase}", ok);
        }),
        new("A redirect loop", "GET /redirects/loop-a", async (ctx, ct) =>
        {
            try
            {
                using var response = await ctx.Client.GetAsync("/redirects/loop-a", ct);
                return new StopResult("302s", "followed", $"{(int)response.StatusCode}", false);
            }
            catch (RedirectLoopException ex)
            {
                return new StopResult("302 -> loop-b, 302 -> loop-a, ...", "stopped when a hop repeated", $"{nameof(RedirectLoopException)}: {ex.Message}", true);
            }
        }),
        new("A hop to another origin", "GET /redirects/away with Authorization: Bearer secret", async (ctx, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/redirects/away?to={Uri.EscapeDataString(ctx.OtherOrigin.ToString())}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "secret");
            using var response = await ctx.Client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var ok = text.EndsWith("without Authorization", StringComparison.Ordinal) && response.RequestMessage!.RequestUri!.Port == ctx.OtherOrigin.Port;
            return new StopResult($"302 -> {ctx.OtherOrigin}redirects/echo", "followed, Authorization dropped (origin changed)", $"{(int)response.StatusCode}: \"{text}\"", ok);
        }),
    ];

    private static IResult Status(HttpContext context, int status, string location)
    {
        context.Response.Headers.Location = location;
        return Results.StatusCode(status);
    }

    private static async Task<StopResult> Run(TourContext ctx, HttpMethod method, string path, string server, string library, string expected, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent("hello") };
        using var response = await ctx.Client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var hops = response.GetRedirectHops();
        var ok = response.IsSuccessStatusCode && text.StartsWith(expected, StringComparison.Ordinal) && hops.Count == 1;
        return new StopResult(server, $"{library} ({hops.Count} hop)", $"{(int)response.StatusCode} from {response.RequestMessage!.RequestUri!.AbsolutePath}: \"{text}\"", ok);
    }
}
