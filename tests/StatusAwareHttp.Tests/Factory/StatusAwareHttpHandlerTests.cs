using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Tests.Caching;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Tests.Retries;

namespace StatusAwareHttp.Tests.Factory;

/// <summary>The pipeline built without DI by <see cref="StatusAwareHttpHandler.Create"/>, over real sockets.</summary>
public sealed class StatusAwareHttpHandlerTests
{
    private static Task<LoopbackServer> StartOrigin() => LoopbackServer.StartAsync(app =>
    {
        app.MapGet("/from", () => Results.Redirect("/to"));
        app.MapGet("/to", () => "arrived");
        var hits = 0;
        app.MapGet("/cached", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=600";
            return $"version {Interlocked.Increment(ref hits)}";
        });
        RetryEndToEndTests.MapFlaky(app, "/flaky", 1, 503);
    });

    private static HttpClient Client(SocketsHttpHandler? inner = null, Action<StatusHandlingOptions>? configure = null) =>
        new(StatusAwareHttpHandler.Create(inner ?? new SocketsHttpHandler(), configure ?? (o => o.Retries.BaseDelay = TimeSpan.Zero)));

    [Fact]
    public async Task A_redirect_is_followed_by_the_library_and_the_inner_handler_stops_following_its_own()
    {
        await using var server = await StartOrigin();
        var inner = new SocketsHttpHandler();
        Assert.True(inner.AllowAutoRedirect);
        using var client = Client(inner);
        Assert.False(inner.AllowAutoRedirect);

        using var response = await client.GetAsync(server.Url("/from"));

        Assert.Equal("arrived", await response.Content.ReadAsStringAsync());
        var hop = Assert.Single(response.GetRedirectHops());
        Assert.Equal(HttpStatusCode.Redirect, hop.StatusCode);
        Assert.Equal(server.Url("/to"), response.RequestMessage!.RequestUri);
    }

    [Fact]
    public async Task The_synchronous_Send_path_goes_through_the_pipeline_to_the_inner_handler()
    {
        await using var server = await StartOrigin();
        using var client = Client();

        using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, server.Url("/to")));

        Assert.Equal("arrived", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, server.CountFor("/to"));
    }

    [Fact]
    public async Task A_fresh_response_is_served_from_the_cache_without_a_second_request()
    {
        await using var server = await StartOrigin();
        using var client = Client();

        Assert.Equal("version 1", await client.GetStringAsync(server.Url("/cached")));
        using var second = await client.GetAsync(server.Url("/cached"));

        Assert.Equal("version 1", await second.Content.ReadAsStringAsync());
        Assert.Contains("hit", CacheTest.Status(second), StringComparison.Ordinal);
        Assert.Equal(1, server.CountFor("/cached"));
    }

    [Fact]
    public async Task A_503_is_retried()
    {
        await using var server = await StartOrigin();
        using var client = Client();

        using var response = await client.GetAsync(server.Url("/flaky"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.CountFor("/flaky"));
    }

    [Fact]
    public async Task Two_handlers_have_their_own_cache()
    {
        await using var server = await StartOrigin();
        using var first = Client();
        using var second = Client();

        Assert.Equal("version 1", await first.GetStringAsync(server.Url("/cached")));
        Assert.Equal("version 2", await second.GetStringAsync(server.Url("/cached")));
        Assert.Equal("version 1", await first.GetStringAsync(server.Url("/cached")));
    }

    [Fact]
    public void An_invalid_option_throws_at_creation_with_the_message_of_DI_start_up()
    {
        static void Invalid(StatusHandlingOptions o)
        {
            o.Retries.MaxRetries = 99;
            o.Cache.CacheName = string.Empty;
        }

        var collection = new ServiceCollection();
        collection.AddHttpClient("default").AddStatusHandling(Invalid);
        using var provider = collection.BuildServiceProvider();
        var atStartUp = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        using var inner = new SocketsHttpHandler();
        var atCreation = Assert.Throws<OptionsValidationException>(() => StatusAwareHttpHandler.Create(inner, Invalid));

        Assert.Equal(atStartUp.Message, atCreation.Message);
        Assert.Contains("MaxRetries", atCreation.Message, StringComparison.Ordinal);
        Assert.Contains("CacheName", atCreation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inner_handler_that_already_sent_a_request_is_refused()
    {
        await using var server = await StartOrigin();
        using var inner = new SocketsHttpHandler();
        using (var plain = new HttpClient(inner, disposeHandler: false))
        {
            (await plain.GetAsync(server.Url("/to"))).Dispose();
        }

        Assert.Throws<InvalidOperationException>(() => StatusAwareHttpHandler.Create(inner));
    }

    [Fact]
    public async Task Disposing_disposes_the_inner_handler_but_not_the_callers_store()
    {
        await using var server = await StartOrigin();
        var inner = new SocketsHttpHandler();
        var store = new DisposalWatchingStore();
        var handler = StatusAwareHttpHandler.Create(inner, services: new StatusAwareHttpHandlerServices { CacheStore = store });
        using (var client = new HttpClient(handler))
        {
            Assert.Equal("version 1", await client.GetStringAsync(server.Url("/cached")));
            Assert.NotEmpty(store.Entries);
        }

        using var afterwards = new HttpClient(inner, disposeHandler: false);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => afterwards.GetAsync(server.Url("/to")));
        Assert.False(store.Disposed);
    }

    [Fact]
    public async Task With_DisposeInnerHandler_false_the_inner_handler_outlives_the_pipeline()
    {
        await using var server = await StartOrigin();
        using var inner = new SocketsHttpHandler();
        var handler = StatusAwareHttpHandler.Create(inner, services: new StatusAwareHttpHandlerServices { DisposeInnerHandler = false });
        using (var client = new HttpClient(handler))
        {
            Assert.Equal("arrived", await client.GetStringAsync(server.Url("/from")));
        }

        using var afterwards = new HttpClient(inner, disposeHandler: false);
        Assert.Equal("arrived", await afterwards.GetStringAsync(server.Url("/to")));
    }

    [Fact]
    public async Task ConfigureClient_gives_the_handler_a_distributed_store_that_it_makes_and_disposes()
    {
        await using var server = await StartOrigin();
        DisposalWatchingDistributedCache? made = null;
        var handler = StatusAwareHttpHandler.Create(new SocketsHttpHandler(), services: new StatusAwareHttpHandlerServices
        {
            ConfigureClient = client =>
            {
                client.Services.AddSingleton<IDistributedCache>(_ => made = new DisposalWatchingDistributedCache());
                client.UseDistributedHttpCache();
            },
        });
        using (var client = new HttpClient(handler))
        {
            Assert.Equal("version 1", await client.GetStringAsync(server.Url("/cached")));
            Assert.Equal("version 1", await client.GetStringAsync(server.Url("/cached")));
            Assert.NotNull(made);
            Assert.True(made.Writes > 0, "the entry went to the distributed cache");
            Assert.False(made.Disposed);
        }

        Assert.Equal(1, server.CountFor("/cached"));
        Assert.True(made.Disposed, "what the handler made is disposed with it");
    }

    [Fact]
    public void ConfigureClient_that_adds_a_message_handler_is_refused_at_creation()
    {
        using var inner = new SocketsHttpHandler();
        var services = new StatusAwareHttpHandlerServices { ConfigureClient = client => client.AddHttpMessageHandler(() => new PassThroughHandler()) };

        var refused = Assert.Throws<ArgumentException>(() => StatusAwareHttpHandler.Create(inner, services: services));

        Assert.Contains("ConfigureClient", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_store_option_from_ConfigureClient_throws_at_creation()
    {
        using var inner = new SocketsHttpHandler();
        var services = new StatusAwareHttpHandlerServices
        {
            ConfigureClient = client =>
            {
                client.Services.AddDistributedMemoryCache();
                client.UseDistributedHttpCache(o => o.OperationTimeout = TimeSpan.Zero);
            },
        };

        var invalid = Assert.Throws<OptionsValidationException>(() => StatusAwareHttpHandler.Create(inner, services: services));

        Assert.Contains("OperationTimeout", invalid.Message, StringComparison.Ordinal);
    }

    private sealed class DisposalWatchingStore : IHttpCacheStore, IDisposable
    {
        private readonly RecordingStore _inner = new();

        public bool Disposed { get; private set; }

        public IReadOnlyDictionary<string, IReadOnlyList<HttpCacheEntry>> Entries => _inner.Entries;

        public ValueTask<IReadOnlyList<HttpCacheEntry>?> GetAsync(string key, CancellationToken cancellationToken) => _inner.GetAsync(key, cancellationToken);

        public ValueTask SetAsync(string key, IReadOnlyList<HttpCacheEntry> entries, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
            _inner.SetAsync(key, entries, timeToLive, cancellationToken);

        public ValueTask RemoveAsync(string key, CancellationToken cancellationToken) => _inner.RemoveAsync(key, cancellationToken);

        public void Dispose() => Disposed = true;
    }

    private sealed class PassThroughHandler : DelegatingHandler
    {
    }

    private sealed class DisposalWatchingDistributedCache : IDistributedCache, IDisposable
    {
        private readonly MemoryDistributedCache _inner = new(Options.Create(new MemoryDistributedCacheOptions()));
        private int _writes;

        public bool Disposed { get; private set; }

        public int Writes => Volatile.Read(ref _writes);

        public byte[]? Get(string key) => _inner.Get(key);

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => _inner.GetAsync(key, token);

        public void Refresh(string key) => _inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => _inner.RefreshAsync(key, token);

        public void Remove(string key) => _inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => _inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
        {
            Interlocked.Increment(ref _writes);
            _inner.Set(key, value, options);
        }

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Interlocked.Increment(ref _writes);
            return _inner.SetAsync(key, value, options, token);
        }

        public void Dispose() => Disposed = true;
    }
}
