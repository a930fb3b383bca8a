using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Sample.Tour;

namespace StatusAwareHttp.Sample.Sections;

/// <summary>The error stops: a problem+json 400, a 401 answered with Digest, a 405 listing Allow.</summary>
internal sealed partial class ErrorsSection : ITourSection
{
    private const string DigestClient = "errors-digest";
    private const string Realm = "demo@statusawarehttp";
    private const string User = "demo";
    private const string Password = "tour";

    public int Order => 400;

    public string Title => "Errors and authentication (RFC 9110 §15.5, §15.6, §11; RFC 9457; RFC 7616)";

    public void MapRoutes(WebApplication origin)
    {
        origin.MapPost("/errors/orders", () => Results.Text(
            "{\"type\":\"https://demo.example/problems/validation\",\"title\":\"The order is not valid.\",\"status\":400,\"detail\":\"quantity must be at least 1\",\"instance\":\"/errors/orders\",\"field\":\"quantity\"}",
            "application/problem+json",
            statusCode: 400));
        origin.MapGet("/errors/private", DigestProtected);
        origin.Map("/errors/readonly", (HttpContext c) =>
        {
            if (HttpMethods.IsGet(c.Request.Method) || HttpMethods.IsHead(c.Request.Method))
            {
                return Results.Text("read me");
            }

            c.Response.Headers.Allow = "GET, HEAD";
            return Results.StatusCode(405);
        });
    }

    public void ConfigureServices(IServiceCollection services, IHttpClientBuilder demoClient)
    {
        // A second client, whose 401s are answered with the demo origin's user (Digest, SHA-256).
        services.AddHttpClient(DigestClient).AddStatusHandling(o => o.Authentication.Credentials = new NetworkCredential(User, Password));
    }

    public IReadOnlyList<TourStop> Stops { get; } =
    [
        new("400 Bad Request with problem details", "POST /errors/orders {\"quantity\":0}", async (ctx, ct) =>
        {
            using var response = await ctx.Client.PostAsync("/errors/orders", new StringContent("{\"quantity\":0}", Encoding.UTF8, "application/json"), ct);
            try
            {
                await response.EnsureStatusAsync(ct);
                return new StopResult("400", "nothing", $"{(int)response.StatusCode}, no exception", false);
            }
            catch (HttpStatusException ex)
            {
                var ok = ex.StatusCode == HttpStatusCode.BadRequest && ex.Problem?.Detail == "quantity must be at least 1" && !ex.IsTransient;
                return new StopResult(
                    "400, application/problem+json",
                    "EnsureStatusAsync read the problem details (RFC 9457); not retried",
                    $"HttpStatusException: Problem.Title \"{ex.Problem?.Title}\", Detail \"{ex.Problem?.Detail}\", extension field={ex.Problem?.Extensions["field"]}",
                    ok);
            }
        }),
        new("401 Unauthorized answered with Digest", "GET /errors/private (client with Credentials)", async (ctx, ct) =>
        {
            var client = ctx.Services.GetRequiredService<IHttpClientFactory>().CreateClient(DigestClient);
            var before = ctx.Demo.Hits("/errors/private");
            using var response = await client.GetAsync(new Uri(ctx.Origin, "/errors/private"), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var sends = ctx.Demo.Hits("/errors/private") - before;
            return new StopResult(
                "401 WWW-Authenticate: Digest realm=..., algorithm=SHA-256, qop=\"auth\"",
                $"answered the challenge once with Digest SHA-256 ({sends} requests in all)",
                $"{(int)response.StatusCode}: \"{text}\"",
                response.StatusCode == HttpStatusCode.OK && sends == 2);
        }),
        new("405 Method Not Allowed listing Allow", "DELETE /errors/readonly", async (ctx, ct) =>
        {
            using var response = await ctx.Client.DeleteAsync("/errors/readonly", ct);
            try
            {
                await response.EnsureStatusAsync(ct);
                return new StopResult("405", "nothing", $"{(int)response.StatusCode}, no exception", false);
            }
            catch (HttpStatusException ex)
            {
                return new StopResult(
                    "405, Allow: GET, HEAD",
                    "EnsureStatusAsync parsed Allow",
                    $"HttpStatusException: AllowedMethods [{string.Join(", ", ex.AllowedMethods)}]",
                    ex.AllowedMethods.SequenceEqual(["GET", "HEAD"]));
            }
        }),
    ];

    /// <summary>A Digest-protected route (RFC 7616, SHA-256, qop=auth) written for the tour.</summary>
    private static IResult DigestProtected(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Digest ", StringComparison.Ordinal))
        {
            var fields = DigestField().Matches(header[7..]).ToDictionary(m => m.Groups[1].Value, m => m.Groups[3].Success ? m.Groups[3].Value : m.Groups[4].Value, StringComparer.OrdinalIgnoreCase);
            if (fields.TryGetValue("response", out var response) && fields.GetValueOrDefault("username") == User)
            {
                var ha1 = H($"{User}:{Realm}:{Password}");
                var ha2 = H($"{context.Request.Method}:{fields["uri"]}");
                var expected = H($"{ha1}:{fields["nonce"]}:{fields["nc"]}:{fields["cnonce"]}:{fields["qop"]}:{ha2}");
                if (expected == response)
                {
                    return Results.Text($"welcome, {User}");
                }
            }
        }

        context.Response.Headers.WWWAuthenticate = $"Digest realm=\"{Realm}\", qop=\"auth\", algorithm=SHA-256, nonce=\"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}\"";
        return Results.StatusCode(401);
    }

    private static string H(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [GeneratedRegex("([A-Za-z0-9_*-]+)=(\"([^\"]*)\"|([^,\\s]*))")]
    private static partial Regex DigestField();
}
