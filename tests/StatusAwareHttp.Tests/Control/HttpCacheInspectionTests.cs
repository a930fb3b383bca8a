using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using StatusAwareHttp.Tests.Caching;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Control;

/// <summary>IHttpCache: list, remove by URI and prefix, clear; the distributed store's limits; ignored query parameters.</summary>
public sealed class HttpCacheInspectionTests
{
    [Fact]
    public async Task Lists_removes_and_clears_what_the_memory_store_holds()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var test = CacheTest.Client(time);
        var cache = test.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name);
        await ControlTest.GetAsync(test.Client, origin.Url("v/a"));
        await ControlTest.GetAsync(test.Client, origin.Url("v/a"), r => r.Headers.Add("X-Api-Key", "secret-key"));
        await ControlTest.GetAsync(test.Client, origin.Url("v/b"));
        await ControlTest.GetAsync(test.Client, origin.Url("plain/c"), r => r.SetCacheMode(HttpCacheMode.Default));
        time.Advance(TimeSpan.FromSeconds(10));

        var entries = await cache.GetEntriesAsync().ToListAsync();

        Assert.True(cache.CanEnumerate);
        Assert.True(cache.FlushAsync().AsTask().IsCompletedSuccessfully); // the memory store writes on the call itself
        Assert.Equal(3, entries.Count);
        var a = entries.Where(e => e.Uri.AbsolutePath == "/v/a").ToList();
        Assert.Equal(2, a.Count);
        Assert.Single(a, e => e.Partitioned);
        var first = a[0];
        Assert.Equal((200, "\"e\"", 1), (first.StatusCode, first.ETag, first.VariantCount));
        Assert.Equal(TimeSpan.FromSeconds(10), first.Age);
        Assert.Equal(TimeSpan.FromSeconds(50), first.FreshnessLeft);
        Assert.True(first.StoredBytes > 3);
        Assert.DoesNotContain(entries, e => e.Uri.ToString().Contains("secret", StringComparison.Ordinal));

        Assert.Equal(2, await cache.RemoveAsync(origin.Url("v/a"))); // every partition
        Assert.DoesNotContain(await cache.GetEntriesAsync().ToListAsync(), e => e.Uri.AbsolutePath == "/v/a");
        Assert.Equal(1, await cache.RemoveByPrefixAsync(origin.Url("v/").ToString()));
        await ControlTest.GetAsync(test.Client, origin.Url("v/d"));
        await cache.ClearAsync();
        Assert.Empty(await cache.GetEntriesAsync().ToListAsync());
        var (_, again) = await ControlTest.GetAsync(test.Client, origin.Url("v/b"));
        Assert.Equal("n=6", again); // removed, so fetched anew
    }

    [Fact]
    public async Task The_distributed_store_removes_by_URI_and_says_what_it_cannot_do()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var test = CacheTest.Client(time, builder: b => b.UseDistributedHttpCache(), services: s => s.AddDistributedMemoryCache());
        var cache = test.Services.GetRequiredKeyedService<IHttpCache>(TestClient.Name);
        await ControlTest.GetAsync(test.Client, origin.Url("v/a"));

        Assert.False(cache.CanEnumerate);
        Assert.True(cache.FlushAsync().AsTask().IsCompletedSuccessfully); // so does the distributed store
        var listing = await Assert.ThrowsAsync<NotSupportedException>(async () => await cache.GetEntriesAsync().ToListAsync());
        Assert.Contains("IDistributedCache cannot enumerate", listing.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(async () => await cache.RemoveByPrefixAsync("http://"));
        await Assert.ThrowsAsync<NotSupportedException>(async () => await cache.ClearAsync());
        Assert.Equal(-1, await cache.RemoveAsync(origin.Url("v/a")));
        var (_, body) = await ControlTest.GetAsync(test.Client, origin.Url("v/a"));
        Assert.Equal("n=2", body);
    }

    [Fact]
    public async Task The_factory_without_DI_has_the_same_cache_object()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        using var handler = StatusAwareHttpHandler.Create(new SocketsHttpHandler(), services: new StatusAwareHttpHandlerServices { TimeProvider = time });
        using var client = new HttpClient(handler);
        await ControlTest.GetAsync(client, origin.Url("v/a"));

        Assert.Single(await handler.Cache.GetEntriesAsync().ToListAsync());
        handler.Cache.Offline = true;
        var (response, _) = await ControlTest.GetAsync(client, origin.Url("v/b"));
        Assert.Equal(System.Net.HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    [Fact]
    public async Task Ignored_query_parameters_share_an_entry_and_never_merge_partitions()
    {
        var time = CacheTest.Time();
        await using var origin = await ControlTest.StartOriginAsync(time);
        await using var test = CacheTest.Client(time, o => o.Cache.IgnoredQueryParameters.Add("utm_source"));

        var (_, a) = await ControlTest.GetAsync(test.Client, origin.Url("v/q?id=1&utm_source=mail"));
        var (_, b) = await ControlTest.GetAsync(test.Client, origin.Url("v/q?utm_source=web&id=1"));
        var (_, other) = await ControlTest.GetAsync(test.Client, origin.Url("v/q?id=2&utm_source=mail"));
        var (_, keyed) = await ControlTest.GetAsync(test.Client, origin.Url("v/q?id=1"), r => r.Headers.Add("X-Api-Key", "k"));

        Assert.Equal(("n=1", "n=1", "n=2", "n=3"), (a, b, other, keyed));
    }

    [Theory]
    [InlineData("https://a.test/p?utm_source=x&id=1", "https://a.test/p?id=1")]
    [InlineData("https://a.test/p?id=1&utm_source", "https://a.test/p?id=1")]
    [InlineData("https://a.test/p?utm%5Fsource=x", "https://a.test/p")]
    [InlineData("https://a.test/p?utm_sourcex=1", "https://a.test/p?utm_sourcex=1")] // only names listed
    [InlineData("https://a.test/p?a=1&&b=2", "https://a.test/p?a=1&&b=2")]
    public void Only_the_listed_parameters_leave_the_key(string uri, string expected)
    {
        var keys = new global::StatusAwareHttp.Caching.Internal.CacheKeyPolicy(null, ["utm_source"]);
        Assert.Equal(expected, keys.UriText(new Uri(uri)));
    }

    [Fact]
    public void Any_query_string_gives_a_key_or_invalid_never_an_exception()
    {
        var keys = new global::StatusAwareHttp.Caching.Internal.CacheKeyPolicy(null, ["utm_source", "a", "%", "+"]);
        using var request = new HttpRequestMessage();
        request.Headers.TryAddWithoutValidation("X-Api-Key", "k");
        var query = Gen.Frequency(
            (4, Gen.Char["&=?%+#au_tm_sourc0123456789 \u00e9"].Array[0, 60].Select(c => new string(c))),
            (1, Gen.String[0, 200]));
        query.Check(
            q =>
            {
                if (!Uri.TryCreate("https://a.test/p?" + q, UriKind.Absolute, out var uri))
                {
                    return; // invalid
                }

                var key = keys.ForGet(uri, request.Headers);
                Assert.StartsWith("GET https://a.test/p", key, StringComparison.Ordinal);
                Assert.EndsWith(keys.ForGet(new Uri("https://a.test/p"), request.Headers).Split(' ')[^1], key, StringComparison.Ordinal); // the partition stays
            }, 3000);
    }
}
