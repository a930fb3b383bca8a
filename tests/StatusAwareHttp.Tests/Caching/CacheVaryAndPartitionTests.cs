using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>End to end over real sockets: Vary (RFC 9111 §4.1) and partitioning by credentials.</summary>
public class CacheVaryAndPartitionTests
{
    [Fact]
    public async Task Vary_splits_entries_by_the_normalised_request_header()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/lang", (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "max-age=60";
            context.Response.Headers.Vary = "Accept-Language";
            return "lang=" + context.Request.Headers.AcceptLanguage;
        }));
        await using var client = Client(time);
        Task<(HttpResponseMessage Response, string Body)> Get(string? language) =>
            GetAsync(client, server.Url("lang"), r =>
            {
                if (language is not null)
                {
                    r.Headers.TryAddWithoutValidation("Accept-Language", language);
                }
            });

        var (en, enBody) = await Get("en");
        var (fr, frBody) = await Get("fr");
        var (enAgain, enAgainBody) = await Get("EN"); // §4.1: Accept-Language compares case-insensitively
        var (none, noneBody) = await Get(null);

        Assert.Equal("lang=en", enBody);
        Assert.Equal("lang=fr", frBody);
        Assert.Contains("fwd=vary-miss", Status(fr), StringComparison.Ordinal); // RFC 9211 §2.2
        Assert.Equal("lang=en", enAgainBody);
        Assert.Contains("; hit", Status(enAgain), StringComparison.Ordinal);
        Assert.Equal("lang=", noneBody);
        Assert.Equal(3, server.CountFor("/lang"));

        var (frAgain, frAgainBody) = await Get("fr");
        Assert.Equal("lang=fr", frAgainBody);
        Assert.Equal(3, server.CountFor("/lang"));
        foreach (var response in new[] { en, fr, enAgain, none, frAgain })
        {
            response.Dispose();
        }
    }

    // One HttpClient serves many users in a server app: a response to a request with credentials is served only to
    // a request with the same credentials, and neither keys nor entries hold the secret.
    [Theory]
    [InlineData("Authorization", "Bearer alice-secret-token", "Bearer bob-secret-token")]
    [InlineData("Cookie", "session=alice-secret-cookie", "session=bob-secret-cookie")]
    public async Task Responses_are_partitioned_by_credentials(string header, string alice, string bob)
    {
        var time = Time();
        var store = new RecordingStore();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/me", (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "private, max-age=60";
            context.Response.Headers.Vary = header;
            return "me=" + context.Request.Headers[header];
        }));
        await using var client = Client(time, services: s => s.AddKeyedSingleton<IHttpCacheStore>(TestClient.Name, store));
        Task<(HttpResponseMessage Response, string Body)> Get(string? credential) =>
            GetAsync(client, server.Url("me"), r =>
            {
                if (credential is not null)
                {
                    r.Headers.TryAddWithoutValidation(header, credential);
                }
            });

        var responses = new List<HttpResponseMessage>();
        async Task<string> Body(string? credential)
        {
            var (response, body) = await Get(credential);
            responses.Add(response);
            return body;
        }

        Assert.Equal("me=" + alice, await Body(alice));
        Assert.Equal("me=" + bob, await Body(bob));
        Assert.Equal("me=", await Body(null));
        Assert.Equal("me=" + alice, await Body(alice));
        Assert.Equal("me=" + bob, await Body(bob));
        Assert.Equal("me=", await Body(null));
        Assert.Equal(3, server.CountFor("/me"));

        Assert.Equal(3, store.Entries.Count);
        foreach (var (key, entries, _) in store.Writes)
        {
            Assert.DoesNotContain("secret", key, StringComparison.Ordinal);
            foreach (var entry in entries)
            {
                Assert.All(entry.VaryHeaders, v => Assert.DoesNotContain("secret", v.Value ?? string.Empty, StringComparison.Ordinal));
            }
        }

        responses.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task Vary_star_is_never_served_from_storage()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time);
        var uri = Dynamic(server, "star", "Cache-Control:max-age=60", "Vary:Accept, *");

        (await GetAsync(client, uri)).Response.Dispose();
        (await GetAsync(client, uri)).Response.Dispose();
        Assert.Equal(2, server.CountFor("/dyn/star"));
    }

    // A Vary'd field that an inner handler adds (automatic decompression adds Accept-Encoding) is keyed as the caller sent it.
    [Fact]
    public async Task Vary_values_are_those_the_caller_sent()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/enc", (HttpContext context) =>
        {
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "max-age=60";
            context.Response.Headers.Vary = "Accept-Encoding";
            return "encoding=" + context.Request.Headers.AcceptEncoding;
        }));
        await using var client = Client(time, builder: b => b.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
        {
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        }));

        var (first, firstBody) = await GetAsync(client, server.Url("enc"));
        var (second, _) = await GetAsync(client, server.Url("enc"));

        Assert.Contains("gzip", firstBody, StringComparison.Ordinal); // the origin saw the handler's Accept-Encoding
        Assert.Contains("; hit", Status(second), StringComparison.Ordinal);
        Assert.Equal(1, server.CountFor("/enc"));
        first.Dispose();
        second.Dispose();
    }
}
