using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Caching.Distributed.Internal;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Distributed;

public sealed class DistributedRegistrationTests
{
    [Fact]
    public void Without_an_IDistributedCache_it_fails_at_start_up_saying_what_to_register()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("api").UseDistributedHttpCache();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<DistributedHttpCacheOptions>>().Get("api"));

        Assert.Contains("AddStackExchangeRedisCache", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OperationTimeout", 0.0)]
    [InlineData("OperationTimeout", 31.0)]
    [InlineData("BreakDuration", 0.001)]
    [InlineData("MemoryFrontLifetime", -1.0)]
    [InlineData("MemoryFrontLifetime", 3601.0)]
    [InlineData("MaxTimeToLive", 0.5)]
    public void Out_of_range_times_are_refused(string option, double seconds)
    {
        var value = TimeSpan.FromSeconds(seconds);
        var services = new ServiceCollection();
        services.AddDistributedMemoryCache();
        services.AddHttpClient("api").UseDistributedHttpCache(o =>
        {
            typeof(DistributedHttpCacheOptions).GetProperty(option)!.SetValue(o, value);
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<DistributedHttpCacheOptions>>().Get("api"));

        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1023L, "MemoryFrontMaxBytes")]
    [InlineData(null, "KeyPrefix")]
    public void Out_of_range_sizes_and_prefixes_are_refused(long? frontBytes, string option)
    {
        var services = new ServiceCollection();
        services.AddDistributedMemoryCache();
        services.AddHttpClient("api").UseDistributedHttpCache(o =>
        {
            if (frontBytes is { } bytes)
            {
                o.MemoryFrontMaxBytes = bytes;
            }
            else
            {
                o.KeyPrefix = string.Empty;
            }
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<DistributedHttpCacheOptions>>().Get("api"));

        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_as_documented()
    {
        var options = new DistributedHttpCacheOptions();

        Assert.Equal(TimeSpan.FromMilliseconds(250), options.OperationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.BreakDuration);
        Assert.Equal(TimeSpan.FromSeconds(1), options.MemoryFrontLifetime);
        Assert.Equal(16L * 1024 * 1024, options.MemoryFrontMaxBytes);
        Assert.Equal(TimeSpan.FromDays(1), options.MaxTimeToLive);
        Assert.Equal("StatusAwareHttp:", options.KeyPrefix);
    }

    [Fact]
    public async Task It_registers_the_keyed_store_and_status_handling_when_the_app_did_not()
    {
        await using var origin = await LoopbackServer.StartAsync(app => app.MapGet("/x", (Microsoft.AspNetCore.Http.HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            return "x";
        }));
        var services = new ServiceCollection();
        services.AddDistributedMemoryCache(); // any IDistributedCache works; Redis is what the other tests use
        services.AddHttpClient("api").UseDistributedHttpCache();
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        await client.GetStringAsync(origin.Url("/x"));
        await client.GetStringAsync(origin.Url("/x"));

        Assert.IsType<DistributedHttpCacheStore>(provider.GetRequiredKeyedService<IHttpCacheStore>("api"));
        Assert.Equal(1, origin.CountFor("/x"));
    }

    [Fact]
    public void An_app_registered_store_for_the_client_is_kept()
    {
        var mine = new DistributedHttpCacheStoreStub();
        var services = new ServiceCollection();
        services.AddDistributedMemoryCache();
        services.AddKeyedSingleton<IHttpCacheStore>("api", mine);
        services.AddHttpClient("api").UseDistributedHttpCache();
        using var provider = services.BuildServiceProvider();

        Assert.Same(mine, provider.GetRequiredKeyedService<IHttpCacheStore>("api"));
    }

    private sealed class DistributedHttpCacheStoreStub : IHttpCacheStore
    {
        public ValueTask<IReadOnlyList<HttpCacheEntry>?> GetAsync(string key, CancellationToken cancellationToken) => new((IReadOnlyList<HttpCacheEntry>?)null);

        public ValueTask SetAsync(string key, IReadOnlyList<HttpCacheEntry> entries, TimeSpan? timeToLive, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask RemoveAsync(string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
