using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>End to end over real sockets: the store behind <see cref="IHttpCacheStore"/>, its failures, its bounds, and the counters.</summary>
public class CacheStoreTests
{
    [Fact]
    public async Task A_keyed_store_is_used_for_its_client_and_gets_plain_data()
    {
        var time = Time();
        var store = new RecordingStore();
        await using var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time, services: s => s.AddKeyedSingleton<IHttpCacheStore>(TestClient.Name, store));
        var uri = Dynamic(server, "keyed", "Cache-Control:max-age=60", "X-Note:a  b");

        (await GetAsync(client, uri, r => r.Headers.TryAddWithoutValidation("Accept", "text/plain"))).Response.Dispose();
        var (hit, _) = await GetAsync(client, uri);

        Assert.Contains("; hit", Status(hit), StringComparison.Ordinal);
        var (key, entries, ttl) = Assert.Single(store.Writes);
        Assert.Equal("GET " + uri.AbsoluteUri, key);
        var entry = Assert.Single(entries);
        Assert.Equal(200, entry.StatusCode);
        Assert.Equal("body", System.Text.Encoding.UTF8.GetString(entry.Body.Span));
        Assert.Contains(new KeyValuePair<string, string>("X-Note", "a  b"), entry.Headers);
        Assert.Equal(Start, entry.RequestTime);
        Assert.Equal(Start, entry.ResponseTime);
        Assert.Equal(TimeSpan.FromSeconds(60), ttl); // freshness plus stale windows: no validator
        hit.Dispose();
    }

    [Fact]
    public async Task A_failing_store_never_fails_a_request()
    {
        var time = Time();
        var store = new RecordingStore { FailReads = true, FailWrites = true };
        await using var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time, services: s => s.AddKeyedSingleton<IHttpCacheStore>(TestClient.Name, store));
        var uri = Dynamic(server, "failing", "Cache-Control:max-age=60");

        for (var i = 0; i < 2; i++)
        {
            var (response, body) = await GetAsync(client, uri);
            Assert.Equal("body", body);
            response.Dispose();
        }

        Assert.Equal(2, server.CountFor("/dyn/failing"));
        var logs = client.Logs.GetSnapshot();
        Assert.Contains(logs, r => r.Id.Id == 207 && r.Level == LogLevel.Warning); // read failed: a miss
        Assert.Contains(logs, r => r.Id.Id == 208 && r.Level == LogLevel.Warning); // write failed

        using var post = await client.Client.PostAsync(Dynamic(server, "failing"), new StringContent("x")); // invalidation fails quietly too
    }

    [Fact]
    public async Task An_entry_that_cannot_be_read_is_a_miss_and_a_log_line()
    {
        var time = Time();
        var store = new RecordingStore();
        await using var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time, services: s => s.AddKeyedSingleton<IHttpCacheStore>(TestClient.Name, store));
        var uri = Dynamic(server, "corrupt", "Cache-Control:max-age=60");
        var corrupt = new HttpCacheEntry(200, [new("Bad Name", "x"), new("Cache-Control", "max-age=60")], new byte[] { 1, 2 }, Start, Start, []);
        store.Put("GET " + uri.AbsoluteUri, [corrupt]);

        var (response, body) = await GetAsync(client, uri);

        Assert.Equal("body", body);
        Assert.Contains("fwd=uri-miss", Status(response), StringComparison.Ordinal);
        Assert.Contains(client.Logs.GetSnapshot(), r => r.Id.Id == 209 && r.Level == LogLevel.Warning);
        var (hit, _) = await GetAsync(client, uri); // the corrupt entry was replaced by the good one
        Assert.Contains("; hit", Status(hit), StringComparison.Ordinal);
        response.Dispose();
        hit.Dispose();
    }

    // The memory store is searched by key text without a key string: an unreadable entry found that way is removed too,
    // even when the origin's answer is not stored in its place.
    [Fact]
    public async Task An_unreadable_entry_in_the_memory_store_is_removed_when_nothing_replaces_it()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time);
        var store = (MemoryHttpCacheStore)State(client).Store;
        var uri = Dynamic(server, "corrupt-mem", "Cache-Control:no-store");
        var key = "GET " + uri.AbsoluteUri;
        var corrupt = new HttpCacheEntry(200, [new("Bad Name", "x"), new("Cache-Control", "max-age=60")], new byte[] { 1, 2 }, Start, Start, []);
        await store.SetAsync(key, [corrupt], null, default);

        var (response, body) = await GetAsync(client, uri);

        Assert.Equal("body", body);
        Assert.Contains(client.Logs.GetSnapshot(), r => r.Id.Id == 209 && r.Level == LogLevel.Warning);
        await WaitUntil(() => store.Find(key.AsSpan()) is null, "the unreadable entry was removed");
        response.Dispose();
    }

    [Fact]
    public async Task The_memory_store_is_bounded_by_MaxTotalBytes_and_evicts()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time, o =>
        {
            o.Cache.MaxTotalBytes = 64 * 1024;
            o.Cache.MaxEntryBytes = 16 * 1024;
        });
        using var evictions = new MetricCollector<long>(client.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "StatusAwareHttp", "statusawarehttp.cache.evictions");
        var store = (MemoryHttpCacheStore)State(client).Store;

        for (var i = 0; i < 20; i++)
        {
            (await GetAsync(client, new Uri(Dynamic(server, "e" + i, "Cache-Control:max-age=600") + "&size=10240"))).Response.Dispose();
            Assert.True(store.CurrentSize <= 64 * 1024, $"{store.CurrentSize} bytes held");
        }

        await WaitUntil(() => evictions.GetMeasurementSnapshot().Count > 0, "the memory store evicted entries");
        Assert.All(evictions.GetMeasurementSnapshot(), m => Assert.Equal("capacity", m.Tags["reason"]));
        Assert.True(store.CurrentSize > 0);
    }

    // IHttpClientFactory rebuilds handler chains every few minutes: the store and the in-flight table outlive them.
    [Fact]
    public async Task Entries_outlive_the_handler_chain_that_stored_them()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time);
        var options = client.Services.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get(TestClient.Name);
        var uri = Dynamic(server, "rotation", "Cache-Control:max-age=60");

        HttpClient Chain()
        {
            using var scope = client.Services.CreateScope();
            var handlers = StatusHandlingPipeline.CreateHandlers(TestClient.Name, options, scope.ServiceProvider);
            HttpMessageHandler inner = new SocketsHttpHandler();
            for (var i = handlers.Count - 1; i >= 0; i--)
            {
                handlers[i].InnerHandler = inner;
                inner = handlers[i];
            }

            return new HttpClient(inner);
        }

        using (var first = Chain())
        {
            (await first.GetAsync(uri)).Dispose();
        }

        using var second = Chain();
        using var response = await second.GetAsync(uri);
        Assert.Contains("; hit", Status(response), StringComparison.Ordinal);
        Assert.Equal(1, server.CountFor("/dyn/rotation"));
    }

    [Fact]
    public async Task Lookups_are_counted_by_outcome_and_stored_bytes_counted()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time);
        var meters = client.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var lookups = new MetricCollector<long>(meters, "StatusAwareHttp", "statusawarehttp.cache.lookups");
        using var stored = new MetricCollector<long>(meters, "StatusAwareHttp", "statusawarehttp.cache.stored_bytes");
        var fresh = Dynamic(server, "m1", "Cache-Control:max-age=10, stale-if-error=600", "ETag:\"a\"");

        (await GetAsync(client, fresh)).Response.Dispose(); // miss
        (await GetAsync(client, fresh)).Response.Dispose(); // hit
        time.Advance(TimeSpan.FromSeconds(20));
        (await GetAsync(client, fresh)).Response.Dispose(); // the origin answers 200 again: miss (replaced)
        time.Advance(TimeSpan.FromSeconds(20));
        (await GetAsync(client, fresh, r => r.Headers.TryAddWithoutValidation("Cache-Control", "max-stale"))).Response.Dispose(); // stale

        Assert.Equal(["miss", "hit", "miss", "stale"], lookups.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
        Assert.Equal([4L, 4L], stored.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public async Task A_304_is_counted_as_revalidated()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/r", (HttpContext context) =>
        {
            context.Response.Headers.ETag = "\"a\"";
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.StatusCode = context.Request.Headers.IfNoneMatch == "\"a\"" ? 304 : 200;
            return context.Response.StatusCode == 304 ? Task.CompletedTask : context.Response.WriteAsync("r");
        }));
        await using var client = Client(time);
        using var lookups = new MetricCollector<long>(client.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "StatusAwareHttp", "statusawarehttp.cache.lookups");

        (await GetAsync(client, server.Url("r"))).Response.Dispose();
        (await GetAsync(client, server.Url("r"))).Response.Dispose();

        Assert.Equal(["miss", "revalidated"], lookups.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
    }

    [Theory]
    [InlineData(1000, 4 * 1024 * 1024, false)] // MaxTotalBytes below 1 KiB
    [InlineData(64 * 1024, 128 * 1024, false)] // MaxEntryBytes above MaxTotalBytes
    [InlineData(64 * 1024, 64 * 1024, true)]
    public void Limits_are_validated_at_start(long maxTotal, long maxEntry, bool valid)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("v").AddStatusHandling(o =>
        {
            o.Cache.MaxTotalBytes = maxTotal;
            o.Cache.MaxEntryBytes = maxEntry;
        });
        using var provider = services.BuildServiceProvider();
        var get = () => provider.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get("v");
        if (valid)
        {
            Assert.NotNull(get());
        }
        else
        {
            Assert.Throws<OptionsValidationException>(get);
        }
    }

    [Theory]
    [InlineData(-0.1, "StatusAwareHttp", 1)]
    [InlineData(1.5, "StatusAwareHttp", 1)]
    [InlineData(0.1, "", 1)]
    [InlineData(0.1, "caché", 1)]
    [InlineData(0.1, "StatusAwareHttp", -1)]
    [InlineData(0.1, "StatusAwareHttp", 400)]
    public void Other_cache_options_are_validated(double fraction, string name, int capDays)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("v").AddStatusHandling(o =>
        {
            o.Cache.HeuristicFreshnessFraction = fraction;
            o.Cache.CacheName = name;
            o.Cache.MaxHeuristicFreshness = TimeSpan.FromDays(capDays);
        });
        using var provider = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get("v"));
    }
}
