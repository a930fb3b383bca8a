using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Caching.Distributed.Internal;
using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Tests.Distributed;

/// <summary>
/// The distributed store's in-memory front (the library's own LRU, <see cref="FrontCache"/>): a full front admits the
/// newest entry by evicting the least recently used, and drops entries after their lifetime, on fake time.
/// </summary>
public sealed class MemoryFrontTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private static HttpCacheEntry[] Entry(int bodyBytes) =>
        [new HttpCacheEntry(200, [new("Cache-Control", "max-age=60")], new byte[bodyBytes], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, [])];

    [Fact]
    public void A_full_front_admits_the_newest_entry_by_evicting_the_least_recently_used()
    {
        var one = MemoryHttpCacheStore.Size(Entry(1000));
        using var front = new MemoryFront(3 * one, _time);
        front.Set("a", Entry(1000), TimeSpan.FromMinutes(1));
        front.Set("b", Entry(1000), TimeSpan.FromMinutes(1));
        front.Set("c", Entry(1000), TimeSpan.FromMinutes(1));
        Assert.NotNull(front.Get("a")); // now b is the least recently used

        front.Set("d", Entry(1000), TimeSpan.FromMinutes(1));

        Assert.NotNull(front.Get("d"));
        Assert.Null(front.Get("b"));
        Assert.NotNull(front.Get("a"));
        Assert.NotNull(front.Get("c"));
        Assert.Equal(3 * one, front.CurrentSize);
    }

    [Fact]
    public void Many_writes_into_a_full_front_keep_the_newest_and_stay_within_the_bound()
    {
        var one = MemoryHttpCacheStore.Size(Entry(1000));
        using var front = new MemoryFront(4 * one, _time);
        for (var i = 0; i < 100; i++)
        {
            front.Set($"k{i}", Entry(1000), TimeSpan.FromMinutes(1));
            Assert.NotNull(front.Get($"k{i}"));
            Assert.InRange(front.CurrentSize, one, 4 * one);
        }

        Assert.Null(front.Get("k95"));
        Assert.All(Enumerable.Range(96, 4), i => Assert.NotNull(front.Get($"k{i}")));
    }

    [Fact]
    public void An_entry_is_dropped_after_its_lifetime_and_one_too_large_removes_the_older_copy()
    {
        var one = MemoryHttpCacheStore.Size(Entry(1000));
        using var front = new MemoryFront(2 * one, _time);
        front.Set("short", Entry(1000), TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.NotNull(front.Get("short"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(front.Get("short"));
        Assert.Equal(0, front.CurrentSize);

        front.Set("k", Entry(1000), TimeSpan.FromMinutes(1));
        front.Set("k", Entry(10_000), TimeSpan.FromMinutes(1));
        Assert.Null(front.Get("k"));
        front.Set("k", Entry(1000), TimeSpan.Zero);
        Assert.Null(front.Get("k"));
        Assert.Equal(0, front.CurrentSize);
    }
}
