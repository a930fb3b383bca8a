using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Caching;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Control;

/// <summary>One list of sensitive headers: the cache partitions by their hashed values, redirects drop them across origins.</summary>
public sealed class SensitiveHeaderTests
{
    [Fact]
    public void The_default_list_is_documented()
    {
        string[] documented = ["Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "Api-Key", "X-Auth-Token", "X-Access-Token"];
        Assert.True(new StatusHandlingOptions().SensitiveHeaders.SetEquals(documented));
        Assert.Contains("x-api-key", new StatusHandlingOptions().SensitiveHeaders); // without case
    }

    [Fact]
    public async Task Two_api_keys_never_share_an_entry()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var test = CacheTest.Client(time);
        var uri = origin.Url("v/tenant");

        var (_, a1) = await ControlTest.GetAsync(test.Client, uri, r => r.Headers.Add("X-Api-Key", "tenant-a"));
        var (_, b1) = await ControlTest.GetAsync(test.Client, uri, r => r.Headers.Add("X-Api-Key", "tenant-b"));
        var (_, a2) = await ControlTest.GetAsync(test.Client, uri, r => r.Headers.Add("X-Api-Key", "tenant-a"));
        var (_, anonymous) = await ControlTest.GetAsync(test.Client, uri);
        var (_, custom) = await ControlTest.GetAsync(test.Client, uri, r => r.Headers.Add("Api-Key", "tenant-a"));

        Assert.Equal(("n=1", "n=2", "n=1", "n=3", "n=4"), (a1, b1, a2, anonymous, custom));
        var keys = CacheTest.State(test) is { Store: global::StatusAwareHttp.Caching.Internal.MemoryHttpCacheStore store } ? store.Count : -1;
        Assert.Equal(4, keys);
        Assert.DoesNotContain(test.Logs.GetSnapshot(), r => r.Message.Contains("tenant-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_header_the_app_adds_to_the_list_partitions_too_and_its_vary_value_is_hashed()
    {
        var time = CacheTest.Time();
        await using var origin = await LoopbackServer.StartAsync(app =>
            app.MapGet("/tenant", (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "max-age=60";
                c.Response.Headers.Vary = "X-Tenant";
                return "for " + c.Request.Headers["X-Tenant"];
            }));
        await using var test = CacheTest.Client(time, o => o.SensitiveHeaders.Add("X-Tenant"));

        var (_, a) = await ControlTest.GetAsync(test.Client, origin.Url("tenant"), r => r.Headers.Add("X-Tenant", "alpha-secret"));
        var (_, b) = await ControlTest.GetAsync(test.Client, origin.Url("tenant"), r => r.Headers.Add("X-Tenant", "beta-secret"));
        var (_, again) = await ControlTest.GetAsync(test.Client, origin.Url("tenant"), r => r.Headers.Add("X-Tenant", "alpha-secret"));

        Assert.Equal(("for alpha-secret", "for beta-secret", "for alpha-secret"), (a, b, again));
        Assert.Equal(2, origin.Requests.Count);
        var store = (global::StatusAwareHttp.Caching.Internal.MemoryHttpCacheStore)CacheTest.State(test).Store;
        var keys = new List<string>();
        await foreach (var key in store.GetKeysAsync(CancellationToken.None))
        {
            keys.Add(key);
            var entries = await store.GetAsync(key, CancellationToken.None);
            Assert.All(entries!.SelectMany(e => e.VaryHeaders), v => Assert.StartsWith("sha256:", v.Value, StringComparison.Ordinal));
        }

        Assert.Equal(2, keys.Count);
        Assert.DoesNotContain(keys, k => k.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cross_origin_redirect_drops_X_Api_Key_by_default()
    {
        await using var other = await LoopbackServer.StartAsync(app => app.MapGet("/landing", () => "landed"));
        await using var home = await LoopbackServer.StartAsync(app =>
            app.MapGet("/start", (HttpContext c) =>
            {
                c.Response.StatusCode = 302;
                c.Response.Headers.Location = new Uri(other.BaseAddress, "/landing").ToString();
                return Task.CompletedTask;
            }));
        await using var test = TestClient.Create();

        var (_, body) = await ControlTest.GetAsync(test.Client, home.Url("start"), r =>
        {
            r.Headers.Add("X-Api-Key", "key-123");
            r.Headers.Add("X-Auth-Token", "token-123");
            r.Headers.Add("X-Harmless", "kept");
        });

        Assert.Equal("landed", body);
        Assert.Equal("key-123", Assert.Single(home.Requests).Header("X-Api-Key"));
        var atOther = Assert.Single(other.Requests);
        Assert.Null(atOther.Header("X-Api-Key"));
        Assert.Null(atOther.Header("X-Auth-Token"));
        Assert.Equal("kept", atOther.Header("X-Harmless"));
    }
}
