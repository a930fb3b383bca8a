using Xunit.Abstractions;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;
using StatusAwareHttp.Redis.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Redis.Tests;

/// <summary>
/// The farm behaviours with a real redis-server and instances in processes of their own (the peer program, mode <c>farm</c>),
/// against a Kestrel origin in the test process. Every wait is on something a process said or the origin saw.
/// </summary>
public sealed class FarmTests(ITestOutputHelper output)
{
    private const int Instances = 4;
    private const int PerInstance = 25;

    [RedisFact]
    public async Task A_cold_burst_across_four_instances_makes_at_most_two_origin_requests()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FarmOrigin.StartAsync(holdUntil: Instances);
        var peers = await StartPeersAsync(redis, coordinate: true, origin, Instances);
        try
        {
            var results = await BurstAsync(peers, origin.Url("/cold"), PerInstance);

            output.WriteLine($"coordinated: {origin.Count("/cold")} origin requests for {Instances}x{PerInstance} GETs; burst ms per instance: {string.Join(", ", results.Select(r => r.Ms))}");
            Assert.All(results, r => Assert.Equal((PerInstance, 0), (r.Ok, r.Failed)));
            Assert.InRange(origin.Count("/cold"), 1, 2);
        }
        finally
        {
            await DisposeAllAsync(peers);
        }
    }

    [RedisFact]
    public async Task Without_coordination_every_instance_goes_to_the_origin()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FarmOrigin.StartAsync(holdUntil: Instances);
        var peers = await StartPeersAsync(redis, coordinate: false, origin, Instances);
        try
        {
            var results = await BurstAsync(peers, origin.Url("/cold"), PerInstance);

            output.WriteLine($"alone: {origin.Count("/cold")} origin requests for {Instances}x{PerInstance} GETs; burst ms per instance: {string.Join(", ", results.Select(r => r.Ms))}");
            Assert.All(results, r => Assert.Equal((PerInstance, 0), (r.Ok, r.Failed)));
            Assert.True(origin.Count("/cold") >= Instances, $"{origin.Count("/cold")} origin requests");
        }
        finally
        {
            await DisposeAllAsync(peers);
        }
    }

    [RedisFact]
    public async Task A_429_with_Retry_After_on_one_instance_holds_the_others_for_the_window_then_they_resume()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FarmOrigin.StartAsync(holdUntil: 1);
        var peers = await StartPeersAsync(redis, coordinate: true, origin, Instances);
        try
        {
            await WaitForSubscribersAsync(redis, "statusawarehttp:farm:gates", Instances);

            await peers[0].SendAsync($"get {origin.Url("/limited")} 1");
            var closedAt = await origin.LimitedAt.Task.WaitAsync(FarmPeer.Patience);
            foreach (var peer in peers.Skip(1))
            {
                await peer.WaitForAsync(line => line.Contains("is held for", StringComparison.Ordinal));
                await peer.SendAsync($"get {origin.Url("/limited")} 3");
            }

            var results = await Task.WhenAll(peers.Select(p => p.WaitForResultAsync()));

            Assert.Equal((1, 0), (results[0].Ok, results[0].Failed));
            Assert.All(results.Skip(1), r => Assert.Equal((3, 0), (r.Ok, r.Failed)));
            var others = origin.Arrivals("/limited").Where(a => a.Peer != "p0").ToArray();
            Assert.Equal(3 * (Instances - 1), others.Length);
            // Held for the 5 seconds the 429 asked (less a timer's granularity), by the gate each instance closed on the message.
            Assert.All(others, a => Assert.True(a.At - closedAt >= TimeSpan.FromSeconds(4.9), $"{a.Peer} sent after {a.At - closedAt}"));
        }
        finally
        {
            await DisposeAllAsync(peers);
        }
    }

    [RedisFact]
    public async Task A_quota_spent_on_one_instance_holds_the_others_for_its_window_as_a_429_would()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FarmOrigin.StartAsync(holdUntil: 1);
        var peers = await StartPeersAsync(redis, coordinate: true, origin, Instances);
        try
        {
            await WaitForSubscribersAsync(redis, "statusawarehttp:farm:gates", Instances);

            // A 200 whose RateLimit field says r=0;t=5 (draft-ietf-httpapi-ratelimit-headers-11 §4): the same gate message.
            await peers[0].SendAsync($"get {origin.Url("/quota")} 1");
            var spentAt = await origin.LimitedAt.Task.WaitAsync(FarmPeer.Patience);
            foreach (var peer in peers.Skip(1))
            {
                await peer.WaitForAsync(line => line.Contains("is held for", StringComparison.Ordinal));
                await peer.SendAsync($"get {origin.Url("/quota")} 3");
            }

            var results = await Task.WhenAll(peers.Select(p => p.WaitForResultAsync()));

            Assert.Equal((1, 0), (results[0].Ok, results[0].Failed));
            Assert.All(results.Skip(1), r => Assert.Equal((3, 0), (r.Ok, r.Failed)));
            var others = origin.Arrivals("/quota").Where(a => a.Peer != "p0").ToArray();
            Assert.Equal(3 * (Instances - 1), others.Length);
            Assert.All(others, a => Assert.True(a.At - spentAt >= TimeSpan.FromSeconds(4.9), $"{a.Peer} sent after {a.At - spentAt}"));
        }
        finally
        {
            await DisposeAllAsync(peers);
        }
    }

    [RedisFact]
    public async Task When_the_lease_holder_dies_mid_fetch_the_others_get_the_response_within_the_lease_time_and_a_round_trip()
    {
        var leaseTime = TimeSpan.FromSeconds(3);
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FarmOrigin.StartAsync(holdUntil: 1);
        var peers = await StartPeersAsync(redis, coordinate: true, origin, 3, leaseTime);
        try
        {
            await peers[0].SendAsync($"get {origin.Url("/hang-first")} 1");
            await origin.FirstHanging.Task.WaitAsync(FarmPeer.Patience);
            foreach (var peer in peers.Skip(1))
            {
                await peer.SendAsync($"get {origin.Url("/hang-first")} 5");
                await peer.WaitForAsync(line => line.Contains("a lease is held by another instance", StringComparison.Ordinal));
            }

            var killed = Stopwatch.StartNew();
            await peers[0].KillAsync();
            var results = await Task.WhenAll(peers.Skip(1).Select(p => p.WaitForResultAsync()));

            output.WriteLine($"holder killed: served {killed.Elapsed.TotalMilliseconds:F0} ms after the kill (lease {leaseTime}); {origin.Count("/hang-first")} origin requests");
            Assert.All(results, r => Assert.Equal((5, 0), (r.Ok, r.Failed)));
            // The lease expires by itself; then one instance fetches (a round trip) and the other is served its entry.
            // Generous for a loaded machine: the lease time plus 10 seconds.
            Assert.True(killed.Elapsed < leaseTime + TimeSpan.FromSeconds(10), $"served {killed.Elapsed} after the kill");
            Assert.InRange(origin.Count("/hang-first"), 2, 3);
        }
        finally
        {
            await DisposeAllAsync(peers);
        }
    }

    [RedisFact]
    public async Task When_Redis_dies_every_request_still_succeeds()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FarmOrigin.StartAsync(holdUntil: 1);
        var peers = await StartPeersAsync(redis, coordinate: true, origin, 2);
        try
        {
            await redis.KillAsync();

            var first = await BurstAsync(peers, origin.Url("/after-redis-1"), 10);
            var second = await BurstAsync(peers, origin.Url("/after-redis-2"), 10, command: 2);

            output.WriteLine($"redis killed: burst ms {string.Join(", ", first.Concat(second).Select(r => r.Ms))}");
            Assert.All(first.Concat(second), r => Assert.Equal((10, 0), (r.Ok, r.Failed)));
        }
        finally
        {
            await DisposeAllAsync(peers);
        }
    }

    [RedisFact]
    public async Task An_uncontended_miss_costs_one_lease_script_on_its_path_and_a_hit_none()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FarmOrigin.StartAsync(holdUntil: 1);
        var peers = await StartPeersAsync(redis, coordinate: true, origin, 1);
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            var before = await CommandsAsync(connection);
            await peers[0].SendAsync($"get {origin.Url("/uncontended")} 1");
            await peers[0].WaitForResultAsync(1);
            // One script on the path (TIME, SET NX PX); the release, a second script, runs after the body was stored,
            // off the request's path: waited for here by its own count.
            var afterMiss = await WaitForCommandsAsync(connection, c => Delta(before, c, "eval") + Delta(before, c, "evalsha") >= 2);
            await peers[0].SendAsync($"get {origin.Url("/uncontended")} 1");
            await peers[0].WaitForResultAsync(2);
            var afterHit = await CommandsAsync(connection);

            output.WriteLine($"miss: {Describe(before, afterMiss)}; hit: {Describe(afterMiss, afterHit)}");
            Assert.Equal(1, Delta(before, afterMiss, "set"));
            Assert.Equal(2, Delta(before, afterMiss, "eval") + Delta(before, afterMiss, "evalsha"));
            // No poll, and no look at a holder (PTTL is read only when the lease is taken).
            Assert.Equal(0, Delta(before, afterMiss, "exists") + Delta(before, afterMiss, "pttl"));
            Assert.Equal(0, Delta(afterMiss, afterHit, "set") + Delta(afterMiss, afterHit, "eval") + Delta(afterMiss, afterHit, "evalsha") + Delta(afterMiss, afterHit, "exists"));
            Assert.Equal(1, origin.Count("/uncontended"));
        }
        finally
        {
            await DisposeAllAsync(peers);
        }
    }

    private static long Delta(Dictionary<string, long> before, Dictionary<string, long> after, string command) =>
        after.GetValueOrDefault(command) - before.GetValueOrDefault(command);

    private static string Describe(Dictionary<string, long> before, Dictionary<string, long> after) =>
        string.Join(" ", after.Where(kv => kv.Value != before.GetValueOrDefault(kv.Key) && kv.Key is not ("info" or "ping")).Select(kv => $"{kv.Key}+{kv.Value - before.GetValueOrDefault(kv.Key)}"));

    /// <summary>Redis's own count of the commands it ran, by name (INFO commandstats).</summary>
    private static async Task<Dictionary<string, long>> CommandsAsync(ConnectionMultiplexer connection)
    {
        var info = (string)(await connection.GetDatabase().ExecuteAsync("INFO", "commandstats"))!;
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in info.Split('\n', StringSplitOptions.TrimEntries))
        {
            // cmdstat_set:calls=3,usec=...
            if (line.StartsWith("cmdstat_", StringComparison.Ordinal) && line.IndexOf(':') is > 8 and var colon)
            {
                var calls = line[(colon + 1)..].Split(',')[0];
                counts[line[8..colon]] = long.Parse(calls["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return counts;
    }

    private static async Task<Dictionary<string, long>> WaitForCommandsAsync(ConnectionMultiplexer connection, Func<Dictionary<string, long>, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var counts = await CommandsAsync(connection);
            if (done(counts))
            {
                return counts;
            }

            Assert.True(deadline.Elapsed < FarmPeer.Patience, "the lease was not released");
            await Task.Delay(50);
        }
    }

    private static async Task<FarmPeer[]> StartPeersAsync(RedisServer redis, bool coordinate, FarmOrigin origin, int count, TimeSpan? leaseTime = null)
    {
        var peers = new List<FarmPeer>();
        try
        {
            // One after the other: each start compiles nothing but still loads the runtime, which the 2-core machine shares.
            for (var i = 0; i < count; i++)
            {
                peers.Add(await FarmPeer.StartAsync(redis.ConnectionString, coordinate, $"p{i}", origin.Url($"/warm?peer={i}"), leaseTime));
            }

            return [.. peers];
        }
        catch
        {
            await DisposeAllAsync(peers);
            throw;
        }
    }

    private static async Task<(int Ok, int Failed, long Ms)[]> BurstAsync(FarmPeer[] peers, Uri url, int perInstance, int command = 1)
    {
        foreach (var peer in peers)
        {
            await peer.SendAsync($"get {url} {perInstance}");
        }

        return await Task.WhenAll(peers.Select(p => p.WaitForResultAsync(command)));
    }

    private static async Task WaitForSubscribersAsync(RedisServer redis, string channel, int count)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = connection.GetDatabase();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var reply = (RedisResult[])(await db.ExecuteAsync("PUBSUB", "NUMSUB", channel))!;
            if ((long)reply[1] >= count)
            {
                return;
            }

            Assert.True(deadline.Elapsed < FarmPeer.Patience, $"{(long)reply[1]} of {count} instances subscribed to {channel}");
            // Polls Redis's own count (there is no event to wait on across processes); not a timing assumption.
            await Task.Delay(50);
        }
    }

    private static async Task DisposeAllAsync(IEnumerable<FarmPeer> peers)
    {
        foreach (var peer in peers)
        {
            await peer.DisposeAsync();
        }
    }
}
