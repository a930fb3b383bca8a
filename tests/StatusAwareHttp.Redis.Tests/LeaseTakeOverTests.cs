using StackExchange.Redis;
using StatusAwareHttp.Redis.Internal;
using StatusAwareHttp.Redis.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StatusAwareHttp.Redis.Tests;

/// <summary>
/// A miss behind a lease no live instance of the library holds: a value it did not write, a lease without an expiry, or
/// one older than <c>LeaseTime</c> by its own record. The lease is taken over: the miss goes to the origin within
/// <c>LeaseTime</c> plus a round trip (not after <c>WaitTime</c>, 15 s, nor never while the key lives).
/// </summary>
[Collection(TimedTests.Name)]
public sealed class LeaseTakeOverTests(LeaseTakeOverTests.Farm farm, ITestOutputHelper output) : IClassFixture<LeaseTakeOverTests.Farm>
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(2);

    /// <summary>What a loaded 2-core machine may add: the instance's Redis round trips, the origin's and the store's.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2.5);

    public static TheoryData<string> Holders => new()
    {
        "foreign value, no expiry",
        "foreign value, expires in an hour",
        "own record, acquired an hour ago, expires in an hour",
        "own record, acquired now, no expiry",
        "own record, acquired now, expires in an hour",
        "a hash, not a string",
    };

    [RedisTheory]
    [MemberData(nameof(Holders))]
    public async Task A_miss_behind_a_dead_or_foreign_lease_goes_to_the_origin_within_the_lease_time(string holder)
    {
        var name = Guid.NewGuid().ToString("N");
        var url = farm.Origin.Url($"/hang-first/{name}");
        var db = farm.Connection.GetDatabase();

        // p0 takes the key's lease, its fetch hangs; its lease is then replaced by the holder of the case.
        var before = LeaseKeys();
        await farm.Holder.SendAsync($"get {url} 1");
        await farm.Origin.FirstHangingOf(name).WaitAsync(FarmPeer.Patience);
        var lease = Assert.Single(LeaseKeys().Except(before));
        var now = await ServerMillisecondsAsync(db);
        await db.KeyDeleteAsync(lease);
        switch (holder)
        {
            case "foreign value, no expiry":
                await db.StringSetAsync(lease, "held by something else");
                break;
            case "foreign value, expires in an hour":
                await db.StringSetAsync(lease, "held by something else", TimeSpan.FromHours(1));
                break;
            case "own record, acquired an hour ago, expires in an hour":
                await db.StringSetAsync(lease, OwnRecord(now - (long)TimeSpan.FromHours(1).TotalMilliseconds), TimeSpan.FromHours(1));
                break;
            case "own record, acquired now, no expiry":
                await db.StringSetAsync(lease, OwnRecord(now));
                break;
            case "own record, acquired now, expires in an hour":
                await db.StringSetAsync(lease, OwnRecord(now), TimeSpan.FromHours(1));
                break;
            default:
                await db.HashSetAsync(lease, "holder", "something else");
                break;
        }

        farm.Commands++;
        await farm.Waiter.SendAsync($"get {url} 1");
        var (ok, failed, ms) = await farm.Waiter.WaitForResultAsync(farm.Commands);

        output.WriteLine($"{holder}: the miss was served in {ms} ms (lease time {LeaseTime.TotalMilliseconds:F0} ms)");
        Assert.Equal((1, 0), (ok, failed));
        Assert.Equal(2, farm.Origin.Count($"/hang-first/{name}"));
        Assert.True(TimeSpan.FromMilliseconds(ms) < LeaseTime + Margin, $"the miss took {ms} ms");
        if (holder == "own record, acquired now, expires in an hour")
        {
            // A record younger than the lease time may be a live holder's: waited for until the lease time.
            Assert.True(TimeSpan.FromMilliseconds(ms) > LeaseTime - TimeSpan.FromMilliseconds(500), $"the miss took {ms} ms only");
        }
    }

    private RedisKey[] LeaseKeys() =>
        [.. farm.Connection.GetServer(farm.Connection.GetEndPoints()[0]).Keys(pattern: "statusawarehttp:farm:lease:*")];

    private static string OwnRecord(long acquiredMs) => LeaseRecord.Format(Guid.NewGuid().ToString("N"), acquiredMs);

    private static async Task<long> ServerMillisecondsAsync(IDatabase db)
    {
        var time = (RedisResult[])(await db.ExecuteAsync("TIME"))!;
        return ((long)time[0] * 1000) + ((long)time[1] / 1000);
    }

    /// <summary>Redis, the origin and two instances (p0 holds the leases, p1 misses behind them), shared by the cases.</summary>
    public sealed class Farm : IAsyncLifetime
    {
        private RedisServer? _redis;

        public FarmOrigin Origin { get; private set; } = null!;

        public FarmPeer Holder { get; private set; } = null!;

        public FarmPeer Waiter { get; private set; } = null!;

        public ConnectionMultiplexer Connection { get; private set; } = null!;

        /// <summary>Gets or sets how many commands the waiter was sent.</summary>
        public int Commands { get; set; }

        public async Task InitializeAsync()
        {
            if (!RedisServer.IsInstalled)
            {
                return;
            }

            _redis = await RedisServer.StartAsync();
            Origin = await FarmOrigin.StartAsync(holdUntil: 1);
            Holder = await FarmPeer.StartAsync(_redis.ConnectionString, coordinate: true, "p0", Origin.Url("/warm?p=0"), LeaseTime);
            Waiter = await FarmPeer.StartAsync(_redis.ConnectionString, coordinate: true, "p1", Origin.Url("/warm?p=1"), LeaseTime);
            Connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        }

        public async Task DisposeAsync()
        {
            if (_redis is null)
            {
                return;
            }

            await Connection.DisposeAsync();
            await Waiter.DisposeAsync();
            await Holder.DisposeAsync();
            await Origin.DisposeAsync();
            await _redis.DisposeAsync();
        }
    }
}
