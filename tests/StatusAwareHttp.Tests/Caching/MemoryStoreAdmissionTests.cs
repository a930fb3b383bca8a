using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// The memory store when full: a new entry is always admitted (up to the limit), room is made from expired entries
/// first and then from the least recently used, and a working set that fits stays whole however many other URIs pass.
/// </summary>
public sealed class MemoryStoreAdmissionTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(Start);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task A_full_store_admits_each_new_entry_and_evicts_the_least_recently_used()
    {
        using var store = Store(4096);
        var kb = Entry(1024 - 512);
        Assert.Equal(1024, MemoryHttpCacheStore.Size([kb]));

        for (var i = 0; i < 5; i++)
        {
            await store.SetAsync($"k{i}", [kb], null, default);
        }

        // Four fit: the newest four, not the first ones.
        Assert.Null(await store.GetAsync("k0", default));
        for (var i = 1; i < 5; i++)
        {
            Assert.NotNull(await store.GetAsync($"k{i}", default));
        }

        // k1 was just read again (the reads above went 1..4, so k1 is the least recently used now)...
        Assert.NotNull(await store.GetAsync("k1", default)); // ...and now k2 is
        await store.SetAsync("k5", [kb], null, default);
        Assert.Null(await store.GetAsync("k2", default));
        Assert.NotNull(await store.GetAsync("k1", default));
        Assert.Equal(4096, store.CurrentSize);
    }

    // Reads take no lock: they are noted in a buffer of 64 and applied in order by the next write, or by the reader that
    // finds the buffer full. Past the buffer the order is still exact on one thread.
    [Theory]
    [InlineData(3)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(500)]
    public async Task Reads_past_the_read_buffer_keep_the_least_recently_used_order(int readsOfK0)
    {
        using var store = Store(4096);
        var kb = Entry(1024 - 512);
        for (var i = 0; i < 4; i++)
        {
            await store.SetAsync($"k{i}", [kb], null, default);
        }

        await store.GetAsync("k1", default);
        await store.GetAsync("k2", default);
        await store.GetAsync("k3", default);
        for (var i = 0; i < readsOfK0; i++)
        {
            await store.GetAsync("k0", default);
        }

        await store.SetAsync("k4", [kb], null, default); // k1 is the least recently used
        Assert.Null(await store.GetAsync("k1", default));
        Assert.NotNull(await store.GetAsync("k0", default));
        await store.SetAsync("k5", [kb], null, default); // then k2
        Assert.Null(await store.GetAsync("k2", default));
        Assert.NotNull(await store.GetAsync("k3", default));
    }

    [Fact]
    public async Task A_lookup_by_key_text_finds_what_a_lookup_by_key_string_finds()
    {
        using var store = Store(4096);
        var kb = Entry(100);
        await store.SetAsync("GET http://a/x", [kb], null, default);

        Assert.Same(kb, Assert.Single(store.Find("GET http://a/x".AsSpan())!));
        Assert.Null(store.Find("GET http://a/y".AsSpan()));
        Assert.Null(store.Find("get http://a/x".AsSpan())); // keys are ordinal
        await store.RemoveAsync("GET http://a/x", default);
        Assert.Null(store.Find("GET http://a/x".AsSpan()));
    }

    [Fact]
    public async Task An_entry_up_to_the_whole_limit_always_fits_a_full_store()
    {
        using var store = Store(64 * 1024);
        for (var i = 0; i < 64; i++)
        {
            await store.SetAsync($"small{i}", [Entry(512)], null, default);
        }

        var whole = Entry((64 * 1024) - 512);
        await store.SetAsync("whole", [whole], null, default);

        Assert.Same(whole, Assert.Single((await store.GetAsync("whole", default))!));
        Assert.Equal(1, store.Count);

        await store.SetAsync("too-big", [Entry(64 * 1024)], null, default);
        Assert.Null(await store.GetAsync("too-big", default));
        Assert.NotNull(await store.GetAsync("whole", default)); // a refused entry evicts nothing
    }

    [Fact]
    public async Task Expired_entries_go_before_the_least_recently_used()
    {
        using var store = Store(4096);
        var kb = Entry(512);
        await store.SetAsync("lru", [kb], null, default);
        await store.SetAsync("short", [kb], TimeSpan.FromSeconds(10), default);
        await store.SetAsync("long", [kb], TimeSpan.FromHours(1), default);
        await store.SetAsync("recent", [kb], null, default);
        _time.Advance(TimeSpan.FromMinutes(1)); // "short" is past its time-to-live, and still readable (max-stale)
        Assert.NotNull(await store.GetAsync("short", default));

        await store.SetAsync("new", [kb], null, default);

        Assert.Null(await store.GetAsync("short", default));
        Assert.NotNull(await store.GetAsync("lru", default));
        Assert.NotNull(await store.GetAsync("long", default));
    }

    [Fact]
    public async Task Replacing_and_removing_keep_the_accounting_exact()
    {
        using var store = Store(8192);
        await store.SetAsync("a", [Entry(1000)], TimeSpan.FromSeconds(1), default);
        await store.SetAsync("a", [Entry(2000)], TimeSpan.FromSeconds(1), default);
        Assert.Equal(2512, store.CurrentSize);
        await store.SetAsync("a", [Entry(100_000)], null, default); // too big: the old one is outdated, and gone
        Assert.Null(await store.GetAsync("a", default));
        Assert.Equal(0, store.CurrentSize);

        for (var i = 0; i < 10_000; i++)
        {
            await store.SetAsync($"t{i % 3}", [Entry(100)], TimeSpan.FromSeconds(i), default);
        }

        await store.RemoveAsync("t0", default);
        Assert.Equal(2 * 612, store.CurrentSize);
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task The_most_recent_working_set_survives_a_long_run_over_many_more_uris()
    {
        // A 64 KiB store already full of one-off entries; then 16 hot keys of 1 KiB, used in turn, with up to
        // 45 KiB of other new entries between two uses: 61 KiB, which fits, so every hot key is still there.
        using var store = Store(64 * 1024);
        var kb = Entry(512);
        var random = new Random(1234);
        for (var i = 0; i < 200; i++)
        {
            await store.SetAsync($"old{i}", [kb], null, default);
        }

        for (var round = 0; round < 200; round++)
        {
            for (var hot = 0; hot < 16; hot++)
            {
                if (round == 0)
                {
                    await store.SetAsync($"hot{hot}", [kb], null, default);
                }
                else
                {
                    Assert.True(await store.GetAsync($"hot{hot}", default) is not null, $"hot{hot} was evicted in round {round}");
                }
            }

            for (var i = 0; i < 30; i++)
            {
                TimeSpan? ttl = random.Next(3) == 0 ? null : TimeSpan.FromSeconds(random.Next(0, 100));
                await store.SetAsync($"cold{round}-{i}", [Entry(random.Next(0, 1024))], ttl, default);
                _time.Advance(TimeSpan.FromSeconds(1));
            }

            Assert.True(store.CurrentSize <= 64 * 1024);
        }
    }

    [Fact]
    public async Task Concurrent_callers_leave_it_consistent_and_bounded()
    {
        using var store = Store(32 * 1024);
        await Parallel.ForAsync(0, 8, async (worker, ct) =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var key = $"k{(worker * 7919 + i) % 500}";
                switch (i % 4)
                {
                    case 0: await store.SetAsync(key, [Entry(i % 1500)], i % 3 == 0 ? null : TimeSpan.FromSeconds(i % 50), ct); break;
                    case 3: await store.RemoveAsync(key, ct); break;
                    case 2: store.Find(key.AsSpan()); break;
                    default: await store.GetAsync(key, ct); break;
                }
            }
        });

        Assert.InRange(store.CurrentSize, 0, 32 * 1024);
        var held = 0L;
        for (var i = 0; i < 500; i++)
        {
            if (await store.GetAsync($"k{i}", default) is { } entries)
            {
                held += MemoryHttpCacheStore.Size(entries);
            }
        }

        Assert.Equal(store.CurrentSize, held);
        Assert.Equal(store.Count, Enumerable.Range(0, 500).Count(i => store.Find($"k{i}".AsSpan()) is not null));
    }

    // End to end over real sockets: five 1 KiB responses in a 4 KiB store; the newest ones are hits, not refused.
    [Fact]
    public async Task Over_real_sockets_the_newest_responses_are_stored_in_a_full_store()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app => MapDynamic(app, time));
        await using var client = Client(time, o =>
        {
            o.Cache.MaxTotalBytes = 4096;
            o.Cache.MaxEntryBytes = 1024;
        });

        var uris = Enumerable.Range(0, 5).Select(i => new Uri(Dynamic(server, "full" + i, "Cache-Control:max-age=600") + "&size=1000")).ToArray();
        foreach (var uri in uris)
        {
            (await GetAsync(client, uri)).Response.Dispose();
        }

        var (newest, body) = await GetAsync(client, uris[4]);
        Assert.Equal(1000, body.Length);
        Assert.Contains("; hit", Status(newest), StringComparison.Ordinal);
        newest.Dispose();
        Assert.Equal(1, server.CountFor("/dyn/full4"));
        Assert.Equal(1, server.CountFor("/dyn/full3"));
        (await GetAsync(client, uris[0])).Response.Dispose(); // the oldest was evicted for them
        Assert.Equal(2, server.CountFor("/dyn/full0"));
    }

    private MemoryHttpCacheStore Store(long limit) =>
        new(limit, _time, new CacheMetrics(new StatusAwareHttpMeter(_services.GetRequiredService<IMeterFactory>())));

    private static HttpCacheEntry Entry(int bodyBytes) => new(200, [], new byte[bodyBytes], Start, Start, []);
}
