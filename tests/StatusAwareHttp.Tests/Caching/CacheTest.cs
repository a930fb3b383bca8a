using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>Helpers of the cache's end-to-end tests: fake time, a scriptable origin route, and reading Cache-Status.</summary>
internal static class CacheTest
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Time() => new(Start);

    /// <summary>
    /// A <see cref="TestClient"/> whose IHttpClientFactory handler logging stays at Information: at Trace, its inner
    /// logging handler enumerates the response headers, which makes .NET parse and re-serialise them before the cache
    /// sees them, and the byte-for-byte tests would test .NET's formatting instead.
    /// </summary>
    public static TestClient Client(
        TimeProvider time,
        Action<StatusHandlingOptions>? configure = null,
        Action<IHttpClientBuilder>? builder = null,
        Action<IServiceCollection>? services = null) =>
        TestClient.Create(
            configure,
            builder,
            s =>
            {
                s.AddLogging(logging => logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Information));
                services?.Invoke(s);
            },
            time);

    public static string Http(DateTimeOffset time) => time.ToString("r", CultureInfo.InvariantCulture);

    /// <summary>The Cache-Status value(s) of a response, or null.</summary>
    public static string? Status(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : null;

    /// <summary>A header's raw value(s) from the response or its content, or null.</summary>
    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? string.Join("|", values)
            : null;

    /// <summary>The client's lasting cache state (store, in-flight requests, background revalidations).</summary>
    public static ClientCache State(TestClient client) => client.Services.GetRequiredKeyedService<ClientCache>(TestClient.Name);

    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting until " + what);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Maps <c>GET/HEAD /dyn/{name}</c>: status from <c>?status=</c>, body from <c>?body=</c> (default "body") or that
    /// many bytes from <c>?size=</c>, and one
    /// header line per <c>?h=Name:Value</c>; a Date from the fake clock unless one is given.
    /// </summary>
    public static void MapDynamic(WebApplication app, TimeProvider time) =>
        app.MapMethods("/dyn/{name}", ["GET", "HEAD"], async (HttpContext context) =>
        {
            var query = context.Request.Query;
            var status = query.TryGetValue("status", out var s) ? int.Parse(s!, CultureInfo.InvariantCulture) : 200;
            context.Response.StatusCode = status;
            var hasDate = false;
            foreach (var line in query["h"])
            {
                var colon = line!.IndexOf(':', StringComparison.Ordinal);
                var name = line[..colon];
                context.Response.Headers.Append(name, line[(colon + 1)..]);
                hasDate |= name.Equals("Date", StringComparison.OrdinalIgnoreCase);
            }

            if (!hasDate)
            {
                context.Response.Headers.Date = Http(time.GetUtcNow());
            }

            if (status is not (204 or 304) && !HttpMethods.IsHead(context.Request.Method))
            {
                var body = query.TryGetValue("size", out var size)
                    ? new string('x', int.Parse(size!, CultureInfo.InvariantCulture))
                    : query.TryGetValue("body", out var text) ? text.ToString() : "body";
                await context.Response.WriteAsync(body);
            }
        });

    /// <summary>The URI of a <see cref="MapDynamic"/> response with these header lines.</summary>
    public static Uri Dynamic(LoopbackServer server, string name, params string[] headers) =>
        server.Url($"dyn/{name}?" + string.Join("&", headers.Select(h => "h=" + Uri.EscapeDataString(h))));

    public static async Task<(HttpResponseMessage Response, string Body)> GetAsync(TestClient client, Uri uri, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        configure?.Invoke(request);
        var response = await client.Client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }
}
