using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StatusAwareHttp.Caching.Distributed.Internal;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Distributed;

/// <summary>
/// Two app instances (two service providers with the same client name) share one real redis-server and one loopback
/// origin. Everything goes over real sockets: HttpClient to Kestrel, StackExchange.Redis to redis-server.
/// </summary>
public sealed class DistributedCacheEndToEndTests
{
    private const int BigBytes = 1024 * 1024;

    private static readonly byte[] s_big = RandomNumberGenerator.GetBytes(BigBytes);

    private int _version;

    private Task<LoopbackServer> StartOriginAsync() => LoopbackServer.StartAsync(app =>
    {
        // A resource that changes when it is POSTed to; fresh for a minute, no validator.
        app.MapGet("/item", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            return Results.Text($"v{Volatile.Read(ref _version)}");
        });
        app.MapPost("/item", () =>
        {
            Interlocked.Increment(ref _version);
            return Results.NoContent();
        });

        // Numbered resources, for runs of distinct keys.
        app.MapGet("/n/{i}", (HttpContext c, int i) =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            return Results.Text($"n{i}");
        });

        // Varies on Accept-Language.
        app.MapGet("/lang", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            c.Response.Headers.Vary = "Accept-Language";
            return Results.Text($"lang={c.Request.Headers.AcceptLanguage}");
        });

        // Answers per credential (a private cache may store it; the cache partitions by the credential).
        app.MapGet("/mine", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            return Results.Text($"for {c.Request.Headers.Authorization.ToString().Split('-')[0]}");
        });

        // A validator: useful indefinitely, so kept in Redis for MaxTimeToLive.
        app.MapGet("/etag", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            c.Response.Headers.ETag = "\"e1\"";
            return Results.Text("tagged");
        });

        // Fresh for 10 s, then usable stale for up to 50 s more.
        app.MapGet("/stale-windows", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=10, stale-while-revalidate=30, stale-if-error=50";
            return Results.Text("windows");
        });

        app.MapGet("/big", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            return Results.Bytes(s_big, "application/octet-stream");
        });
    });

    [RedisFact]
    public async Task An_entry_stored_by_one_instance_is_served_by_the_other_without_an_origin_request()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await StartOriginAsync();
        await using var a = await DistributedInstance.CreateAsync(redis);
        await using var b = await DistributedInstance.CreateAsync(redis);
        var url = origin.Url("/item");

        Assert.Equal("v0", await a.Client.GetStringAsync(url));
        await a.WaitStoredAsync(a.StoreKey(url));
        using var fromRedis = await b.Client.GetAsync(url);
        using var fromFront = await b.Client.GetAsync(url);

        Assert.Equal(1, origin.CountFor("/item"));
        Assert.Equal("v0", await fromRedis.Content.ReadAsStringAsync());
        Assert.Contains("hit", string.Join(",", fromRedis.Headers.GetValues("Cache-Status")), StringComparison.Ordinal);
        Assert.Equal("v0", await fromFront.Content.ReadAsStringAsync());
        Assert.Equal(1, DistributedInstance.Count(b.Lookups, "outcome", "hit"));
        Assert.Equal(1, DistributedInstance.Count(b.Lookups, "outcome", "front_hit"));
    }

    [RedisFact]
    public async Task A_post_through_one_instance_invalidates_the_other_once_its_front_copy_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await StartOriginAsync();
        await using var a = await DistributedInstance.CreateAsync(redis, time: time);
        await using var b = await DistributedInstance.CreateAsync(redis, time: time);
        var url = origin.Url("/item");
        var key = a.StoreKey(url);
        Assert.Equal("v0", await a.Client.GetStringAsync(url));
        await a.WaitStoredAsync(key);
        Assert.Equal("v0", await b.Client.GetStringAsync(url)); // now in b's front too

        using var post = await a.Client.PostAsync(url, null);

        Assert.Equal(System.Net.HttpStatusCode.NoContent, post.StatusCode);
        Assert.Null(await a.Redis.GetAsync(key)); // gone from Redis as the POST returns
        Assert.Equal("v1", await a.Client.GetStringAsync(url)); // and at once from a's own front
        Assert.Equal("v0", await b.Client.GetStringAsync(url)); // b's front copy: served for at most MemoryFrontLifetime (1 s)

        time.Advance(TimeSpan.FromSeconds(1.001));

        Assert.Equal("v1", await b.Client.GetStringAsync(url));
    }

    [RedisFact]
    public async Task Without_a_front_the_other_instance_sees_the_invalidation_at_once()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await StartOriginAsync();
        await using var a = await DistributedInstance.CreateAsync(redis);
        await using var b = await DistributedInstance.CreateAsync(redis, o => o.MemoryFrontLifetime = TimeSpan.Zero);
        var url = origin.Url("/item");
        Assert.Equal("v0", await a.Client.GetStringAsync(url));
        await a.WaitStoredAsync(a.StoreKey(url));
        Assert.Equal("v0", await b.Client.GetStringAsync(url));
        Assert.Equal(1, origin.CountFor("/item"));

        using var post = await a.Client.PostAsync(url, null);

        Assert.Equal("v1", await b.Client.GetStringAsync(url));
        Assert.Equal(2, origin.Requests.Count(r => r.Method == "GET" && r.PathAndQuery == "/item"));
    }

    [RedisFact]
    public async Task Vary_variants_are_shared_and_told_apart_across_instances()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await StartOriginAsync();
        await using var a = await DistributedInstance.CreateAsync(redis);
        await using var b = await DistributedInstance.CreateAsync(redis, o => o.MemoryFrontLifetime = TimeSpan.Zero);
        var url = origin.Url("/lang");
        var key = a.StoreKey(url);

        Assert.Equal("lang=en", await GetWithLanguageAsync(a, url, "en"));
        await a.WaitStoredAsync(key);
        Assert.Equal("lang=de", await GetWithLanguageAsync(a, url, "de"));
        await WaitAsync(async () => HttpCacheEntryFormat.TryRead((await a.Redis.GetAsync(key))!, out var stored, out _) && stored!.Count == 2);

        Assert.Equal("lang=de", await GetWithLanguageAsync(b, url, "de"));
        Assert.Equal("lang=en", await GetWithLanguageAsync(b, url, "EN")); // normalised: Accept-Language is case-insensitive
        Assert.Equal(2, origin.CountFor("/lang"));
        Assert.Equal("lang=fr", await GetWithLanguageAsync(b, url, "fr"));
        Assert.Equal(3, origin.CountFor("/lang"));
    }

    [RedisFact]
    public async Task Credential_partitions_hold_across_instances_and_no_secret_or_uri_reaches_redis()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await StartOriginAsync();
        await using var a = await DistributedInstance.CreateAsync(redis);
        await using var b = await DistributedInstance.CreateAsync(redis, o => o.MemoryFrontLifetime = TimeSpan.Zero);
        var url = origin.Url("/mine?account=42");

        Assert.Equal("for Bearer alice", await GetWithAuthorizationAsync(a, url, "Bearer alice-s3cret"));
        await a.WaitStoredAsync(a.StoreKey(url, r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer alice-s3cret")));

        Assert.Equal("for Bearer bob", await GetWithAuthorizationAsync(b, url, "Bearer bob-s3cret"));
        Assert.Equal(2, origin.CountFor("/mine"));
        Assert.Equal("for Bearer alice", await GetWithAuthorizationAsync(b, url, "Bearer alice-s3cret"));
        Assert.Equal(2, origin.CountFor("/mine"));

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var keys = new List<string>();
        await foreach (var key in connection.GetServer(connection.GetEndPoints()[0]).KeysAsync())
        {
            keys.Add((string)key!);
        }
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            Assert.StartsWith("StatusAwareHttp:test:", key, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret", key, StringComparison.Ordinal);
            Assert.DoesNotContain("account", key, StringComparison.Ordinal);
            var data = (byte[]?)await connection.GetDatabase().HashGetAsync(key, "data");
            Assert.NotNull(data);
            Assert.DoesNotContain("s3cret", System.Text.Encoding.UTF8.GetString(data!), StringComparison.Ordinal);
        }
    }

    [RedisFact]
    public async Task Redis_evicts_an_entry_when_it_can_no_longer_be_served()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await StartOriginAsync();
        await using var a = await DistributedInstance.CreateAsync(redis);
        await a.Client.GetStringAsync(origin.Url("/item"));
        await a.Client.GetStringAsync(origin.Url("/etag"));
        await a.Client.GetStringAsync(origin.Url("/stale-windows"));
        var fresh = a.StoreKey(origin.Url("/item"));
        var tagged = a.StoreKey(origin.Url("/etag"));
        var windows = a.StoreKey(origin.Url("/stale-windows"));
        await a.WaitStoredAsync(fresh);
        await a.WaitStoredAsync(tagged);
        await a.WaitStoredAsync(windows);

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var freshTtl = await connection.GetDatabase().KeyTimeToLiveAsync(fresh);
        var taggedTtl = await connection.GetDatabase().KeyTimeToLiveAsync(tagged);
        var windowsTtl = await connection.GetDatabase().KeyTimeToLiveAsync(windows);

        // max-age=60 without a validator: unusable after 60 s, so Redis drops it then.
        Assert.NotNull(freshTtl);
        Assert.InRange(freshTtl!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(61));

        // max-age=10 and a stale-if-error window of 50 s: servable (on an origin error) for 60 s.
        Assert.NotNull(windowsTtl);
        Assert.InRange(windowsTtl!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(61));

        // A validator keeps it useful (it can be revalidated): kept for MaxTimeToLive, 1 day by default.
        Assert.NotNull(taggedTtl);
        Assert.InRange(taggedTtl!.Value, TimeSpan.FromHours(23), TimeSpan.FromDays(1));
    }

    [RedisFact]
    public async Task A_one_mebibyte_entry_round_trips_intact_through_redis()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await StartOriginAsync();
        await using var a = await DistributedInstance.CreateAsync(redis);
        await using var b = await DistributedInstance.CreateAsync(redis);
        var url = origin.Url("/big");

        Assert.Equal(s_big, await a.Client.GetByteArrayAsync(url));
        var payload = await a.WaitStoredAsync(a.StoreKey(url));
        var fromRedis = await b.Client.GetByteArrayAsync(url);

        Assert.True(payload.Length > BigBytes);
        Assert.Equal(SHA256.HashData(s_big), SHA256.HashData(fromRedis));
        Assert.Equal(1, origin.CountFor("/big"));
        Assert.Equal(1, DistributedInstance.Count(b.Lookups, "outcome", "hit"));
    }

    public static TheoryData<string, Func<byte[], byte[]>, string> Damage => new()
    {
        { "corrupt bytes", _ => "\x01\x02garbage that is not an entry"u8.ToArray(), "wrong magic" },
        { "unknown version", p => [.. p[..4], 2, .. p[5..]], "unknown format version 2" },
        { "truncated", p => p[..(p.Length / 2)], "truncated" },
        { "empty", _ => [], "truncated" },
    };

    [RedisTheory]
    [MemberData(nameof(Damage))]
    public async Task Bytes_in_redis_that_cannot_be_read_are_a_miss_and_a_warning(string name, Func<byte[], byte[]> damage, string reason)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await StartOriginAsync();
        await using var a = await DistributedInstance.CreateAsync(redis);
        await using var b = await DistributedInstance.CreateAsync(redis);
        var url = origin.Url("/item");
        var key = a.StoreKey(url);
        await a.Client.GetStringAsync(url);
        var good = await a.WaitStoredAsync(key);

        await a.Redis.SetAsync(key, damage(good), new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });
        using var response = await b.Client.GetAsync(url);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("v0", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, origin.CountFor("/item")); // a miss: the origin answered
        Assert.Equal(1, DistributedInstance.Count(b.Lookups, "outcome", "unreadable"));
        var warning = Assert.Single(b.Test.Logs.GetSnapshot(), l => l.Id.Id == 600);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(reason, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/item", warning.Message, StringComparison.Ordinal);

        // The fresh response replaced the damaged bytes: readable again, by either instance.
        await WaitAsync(async () => HttpCacheEntryFormat.TryRead((await a.Redis.GetAsync(key)) ?? [], out _, out _));
        Assert.True(name.Length > 0);
    }

    [RedisFact]
    public async Task Redis_killed_mid_run_and_restarted_fails_no_request_and_is_used_again()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await StartOriginAsync();
        Action<StatusAwareHttp.DistributedHttpCacheOptions> options = o =>
        {
            o.MemoryFrontLifetime = TimeSpan.Zero; // every lookup goes to Redis: the outage cannot hide behind the front
            o.OperationTimeout = TimeSpan.FromSeconds(1); // above a loaded machine's pauses while Redis is up
            o.BreakDuration = TimeSpan.FromMilliseconds(200);
        };
        await using var a = await DistributedInstance.CreateAsync(redis, options);
        await using var b = await DistributedInstance.CreateAsync(redis, options);
        var first = origin.Url("/n/0");
        await a.Client.GetStringAsync(first);
        await a.WaitStoredAsync(a.StoreKey(first));
        Assert.Equal("n0", await b.Client.GetStringAsync(first));
        Assert.Equal(1, origin.CountFor("/n/0"));

        await redis.KillAsync();

        for (var i = 0; i < 10; i++)
        {
            var url = origin.Url($"/n/{i}");
            using var fromA = await a.Client.GetAsync(url);
            using var fromB = await b.Client.GetAsync(url);
            Assert.Equal($"n{i}", await fromA.Content.ReadAsStringAsync());
            Assert.Equal($"n{i}", await fromB.Content.ReadAsStringAsync());
        }

        Assert.Contains(a.Test.Logs.GetSnapshot(), l => l.Id.Id == 601 && l.Level == LogLevel.Warning);
        Assert.True(a.Failures.GetMeasurementSnapshot().Sum(m => m.Value) > 0);
        Assert.False(a.Store.IsAvailable && b.Store.IsAvailable);

        await redis.StartAsync();

        // Used again: once both have reconnected, what a stores is served to b from Redis, not by the origin.
        var n = 100;
        await WaitAsync(async () =>
        {
            var url = origin.Url($"/n/{++n}");
            Assert.Equal($"n{n}", await a.Client.GetStringAsync(url));
            if (await a.Redis.GetAsync(a.StoreKey(url)) is null)
            {
                return false;
            }

            Assert.Equal($"n{n}", await b.Client.GetStringAsync(url));
            return origin.CountFor($"/n/{n}") == 1;
        }, TimeSpan.FromSeconds(30));
        Assert.Contains(b.Test.Logs.GetSnapshot(), l => l.Id.Id == 602);
        Assert.True(a.Store.IsAvailable);
    }

    [RedisFact]
    public async Task A_hanging_redis_costs_two_timeouts_then_is_skipped_and_is_used_again_when_it_answers()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await StartOriginAsync();
        await using var a = await DistributedInstance.CreateAsync(redis, o =>
        {
            o.MemoryFrontLifetime = TimeSpan.Zero;
            o.OperationTimeout = TimeSpan.FromMilliseconds(100);
            o.ConnectTimeout = TimeSpan.FromMilliseconds(500); // if the warm-up meets the hang: bounded too
            o.BreakDuration = TimeSpan.FromSeconds(2); // longer than the two requests below take, even on a loaded machine
        }, controllable: true);
        var cache = a.Controllable!;
        cache.Reads = ControllableDistributedCache.Behaviour.Hang;
        cache.Writes = ControllableDistributedCache.Behaviour.Hang;

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("n1", await a.Client.GetStringAsync(origin.Url("/n/1")));
        var callsAfterFirst = cache.Calls;
        Assert.Equal("n2", await a.Client.GetStringAsync(origin.Url("/n/2")));
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        // The first request's read and write time out (one lone failure does not open the circuit; two do).
        Assert.Equal(2, DistributedInstance.Count(a.Failures, "reason", "timeout"));
        Assert.Equal(callsAfterFirst, cache.Calls); // skipped while the circuit is open
        Assert.True(DistributedInstance.Count(a.Bypassed, "operation", "get") >= 1);
        var warning = Assert.Single(a.Test.Logs.GetSnapshot(), l => l.Id.Id == 601);
        Assert.Contains("no answer within 100 ms", warning.Message, StringComparison.Ordinal);

        cache.Reads = ControllableDistributedCache.Behaviour.Pass;
        cache.Writes = ControllableDistributedCache.Behaviour.Pass;
        var n = 10;
        await WaitAsync(async () =>
        {
            var url = origin.Url($"/n/{++n}");
            await a.Client.GetStringAsync(url);
            return await a.Redis.GetAsync(a.StoreKey(url)) is not null;
        });
        Assert.True(a.Store.IsAvailable);
        Assert.Contains(a.Test.Logs.GetSnapshot(), l => l.Id.Id == 602);
    }

    [RedisFact]
    public async Task An_invalidation_redis_could_not_take_is_made_once_it_answers_again()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await StartOriginAsync();
        await using var a = await DistributedInstance.CreateAsync(redis, o => o.BreakDuration = TimeSpan.FromMilliseconds(200), controllable: true);
        await using var b = await DistributedInstance.CreateAsync(redis, o => o.MemoryFrontLifetime = TimeSpan.Zero);
        var url = origin.Url("/item");
        var key = a.StoreKey(url);
        await a.Client.GetStringAsync(url);
        await a.WaitStoredAsync(key);

        a.Controllable!.Writes = ControllableDistributedCache.Behaviour.Fail;
        using (var post = await a.Client.PostAsync(url, null))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, post.StatusCode); // the failure never reaches the caller
        }

        Assert.Equal(1, a.Store.PendingRemovals);
        Assert.NotNull(await b.Redis.GetAsync(key)); // Redis still holds the outdated entry...
        Assert.Equal("v0", await b.Client.GetStringAsync(url)); // ...which b serves, for now

        a.Controllable.Writes = ControllableDistributedCache.Behaviour.Pass;
        var n = 0;
        await WaitAsync(async () =>
        {
            await a.Client.GetStringAsync(origin.Url($"/n/{++n}")); // any Redis call after the break probes and replays
            return a.Store.PendingRemovals == 0;
        });

        await WaitAsync(async () => await b.Redis.GetAsync(key) is null || await b.Client.GetStringAsync(url) == "v1");
        Assert.Equal("v1", await b.Client.GetStringAsync(url));
        Assert.Contains(a.Test.Logs.GetSnapshot(), l => l.Id.Id == 605);
    }

    private static async Task<string> GetWithLanguageAsync(DistributedInstance instance, Uri url, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept-Language", language);
        using var response = await instance.Client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<string> GetWithAuthorizationAsync(DistributedInstance instance, Uri url, string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await instance.Client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds, for at most <paramref name="timeout"/> (10 s).</summary>
    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition did not hold in time");
            }

            await Task.Delay(50);
        }
    }
}
