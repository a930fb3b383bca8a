using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Errors;

/// <summary>505 from a server (Kestrel, h2 and http/1.1 over TLS by ALPN) that refuses HTTP/2 for a path.</summary>
public sealed class VersionFallbackTests
{
    private static Task<LoopbackServer> StartAsync() => LoopbackServer.StartAsync(
        app => app.Map("/v", (HttpContext c) => c.Request.Protocol == "HTTP/2"
            ? Results.Text("HTTP/2 is not supported here", statusCode: 505)
            : Results.Text("served over " + c.Request.Protocol)),
        TestCertificates.Loopback,
        protocols: HttpProtocols.Http1AndHttp2);

    private static TestClient Client(Action<StatusHandlingOptions>? configure = null) =>
        TestClient.Create(configure, builder => builder.ConfigurePrimaryHttpMessageHandler(TestCertificates.TrustingHandler));

    [Fact]
    public async Task A505ToHttp2IsSentAgainAsHttp11()
    {
        await using var server = await StartAsync();
        await using var test = Client();

        using var request = new HttpRequestMessage(HttpMethod.Post, server.Url("/v"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Content = new StringContent("body"),
        };
        using var response = await test.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("served over HTTP/1.1", await response.Content.ReadAsStringAsync());
        Assert.Equal(["HTTP/2", "HTTP/1.1"], server.Requests.Select(r => r.Protocol));
        Assert.Equal("body", server.Requests[1].BodyText);
        Assert.Contains(test.Logs.GetSnapshot(), r => r.Id.Id == 401);
    }

    [Fact]
    public async Task ExactVersionPolicyKeepsThe505()
    {
        await using var server = await StartAsync();
        await using var test = Client();

        using var request = new HttpRequestMessage(HttpMethod.Get, server.Url("/v")) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await test.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.HttpVersionNotSupported, response.StatusCode);
        Assert.Single(server.Requests);
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => response.EnsureStatusAsync().AsTask());
        Assert.Contains("answered 505 ", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task AOneShotBodyGetsTheTypedError()
    {
        await using var server = await StartAsync();
        await using var test = Client();

        using var request = new HttpRequestMessage(HttpMethod.Post, server.Url("/v"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Content = new StreamContent(new MemoryStream([1, 2, 3])),
        };
        using var response = await test.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.HttpVersionNotSupported, response.StatusCode);
        Assert.Single(server.Requests);
        Assert.Contains(test.Logs.GetSnapshot(), r => r.Id.Id == 402);
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => response.EnsureStatusAsync().AsTask());
        Assert.Equal("HTTP/2 is not supported here", ex.BodyExcerpt);
    }

    [Fact]
    public async Task TheFallbackCanBeTurnedOff()
    {
        await using var server = await StartAsync();
        await using var test = Client(o => o.Errors.FallBackToHttp11On505 = false);

        using var request = new HttpRequestMessage(HttpMethod.Get, server.Url("/v")) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        using var response = await test.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.HttpVersionNotSupported, response.StatusCode);
        Assert.Single(server.Requests);
    }
}
