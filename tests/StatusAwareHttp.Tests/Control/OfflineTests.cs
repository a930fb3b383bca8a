using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Tests.Caching;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Control;

/// <summary>The offline switch of <see cref="IHttpCache"/>, and stored responses served when the network is unreachable.</summary>
public sealed class OfflineTests
{
    [Fact]
    public async Task Offline_every_request_is_answered_from_storage_and_none_reaches_the_network()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time, "max-age=60, must-revalidate");
        await using var test = CacheTest.Client(time);
        var cache = test.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name);
        var stored = origin.Url("v/stored");
        await ControlTest.GetAsync(test.Client, stored);
        time.Advance(TimeSpan.FromDays(2));

        cache.Offline = true;
        var (hit, body) = await ControlTest.GetAsync(test.Client, stored, r => r.SetCacheMode(HttpCacheMode.Reload));
        var (miss, _) = await ControlTest.GetAsync(test.Client, origin.Url("v/never-stored"));
        using var post = await test.Client.PostAsync(origin.Url("v/stored"), new StringContent("x"));
        using var head = await test.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, stored));

        Assert.True(cache.Offline);
        Assert.Equal("n=1", body); // two days old and must-revalidate: served all the same
        Assert.Contains("detail=offline", CacheTest.Status(hit), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.GatewayTimeout, miss.StatusCode);
        Assert.Equal("StatusAwareHttp; detail=offline", CacheTest.Status(miss));
        Assert.Equal(HttpStatusCode.GatewayTimeout, post.StatusCode);
        Assert.Equal(HttpStatusCode.GatewayTimeout, head.StatusCode);
        Assert.Single(origin.Requests);
        Assert.Contains(test.Logs.GetSnapshot(), r => r.Id.Id == 256 && r.Message.Contains("offline", StringComparison.Ordinal));

        cache.Offline = false;
        var (_, online) = await ControlTest.GetAsync(test.Client, origin.Url("v/never-stored"));
        Assert.Equal("n=2", online);
    }

    [Fact]
    public async Task A_stored_response_of_any_age_stands_in_when_the_connection_is_refused()
    {
        var time = CacheTest.Time();
        var origin = await ControlTest.StartOriginAsync(time, "max-age=60, must-revalidate");
        Uri uri;
        await using var test = CacheTest.Client(time, o =>
        {
            o.Cache.ServeStaleWhenUnreachable = true;
            o.Retries.Enabled = false;
        });
        await using var strict = CacheTest.Client(time, o => o.Retries.Enabled = false);
        await using (origin)
        {
            uri = origin.Url("v/gone");
            await ControlTest.GetAsync(test.Client, uri);
            await ControlTest.GetAsync(strict.Client, uri);
        }

        time.Advance(TimeSpan.FromDays(30));
        var (response, body) = await ControlTest.GetAsync(test.Client, uri); // nothing listens on the port any more

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("n=1", body);
        Assert.Contains("detail=offline", CacheTest.Status(response), StringComparison.Ordinal);
        Assert.Contains(test.Logs.GetSnapshot(), r => r.Id.Id == 255);

        // Without the option, must-revalidate keeps the failure the caller's.
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => ControlTest.GetAsync(strict.Client, uri));
    }

    [Fact]
    public void Only_an_unreachable_network_counts()
    {
        Assert.True(global::StatusAwareHttp.Caching.Internal.NetworkUnreachable.Is(new HttpRequestException("x", new SocketException((int)SocketError.ConnectionRefused)), CancellationToken.None));
        Assert.True(global::StatusAwareHttp.Caching.Internal.NetworkUnreachable.Is(new HttpRequestException(HttpRequestError.NameResolutionError, "x"), CancellationToken.None));
        Assert.False(global::StatusAwareHttp.Caching.Internal.NetworkUnreachable.Is(new TimeoutException(), CancellationToken.None));
        Assert.False(global::StatusAwareHttp.Caching.Internal.NetworkUnreachable.Is(new HttpRequestException(HttpRequestError.ResponseEnded, "x"), CancellationToken.None));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.False(global::StatusAwareHttp.Caching.Internal.NetworkUnreachable.Is(new SocketException((int)SocketError.ConnectionRefused), cancelled.Token));
    }
}
