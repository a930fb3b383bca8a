using StatusAwareHttp.Redis.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StatusAwareHttp.Redis.Tests;

/// <summary>
/// Redis away while requests run, with instances in processes of their own: never reachable (a closed port) from the
/// first request, or paused by SIGSTOP (connections open, no answer). A request is never held by Redis longer than
/// <c>OperationTimeout</c>; the instance decides alone meanwhile.
/// </summary>
[Collection(TimedTests.Name)]
public sealed class OutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// What a loaded 2-core machine may add to a request on loopback (the first through the farm's client still JITs
    /// the coordination's code and StackExchange.Redis's; the HTTP stack was warmed by a GET without the farm).
    /// </summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    [RedisFact]
    public async Task The_first_request_with_Redis_unreachable_waits_at_most_the_operation_timeout_and_one_warning_names_the_host()
    {
        await using var origin = await FarmOrigin.StartAsync(holdUntil: 1);
        var port = LoopbackPorts.Free();
        const string Password = "pw-never-logged-5f1e";
        await using var peer = await FarmPeer.StartAsync($"127.0.0.1:{port},password={Password}", coordinate: true, "p0", origin.Url("/first"), store: "memory", operationTimeout: OperationTimeout, prewarm: true);

        var exitCode = await peer.EndAsync();

        var warnings = peer.Lines.Where(l => l.StartsWith("warn: StatusAwareHttp.Redis", StringComparison.Ordinal)).ToArray();
        output.WriteLine($"first request with Redis unreachable: {peer.WarmUp.TotalMilliseconds:F0} ms (operation timeout {OperationTimeout.TotalMilliseconds:F0} ms)");
        output.WriteLine(string.Join('\n', peer.Lines));
        Assert.True(peer.WarmUp < OperationTimeout + Margin, $"the first request took {peer.WarmUp}");
        Assert.Equal(0, exitCode);
        Assert.DoesNotContain(peer.Lines, l => l.StartsWith("stderr:", StringComparison.Ordinal));
        var warning = Assert.Single(warnings);
        Assert.Contains($"127.0.0.1:{port}", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(peer.Lines, l => l.Contains(Password, StringComparison.Ordinal));
    }

    [RedisTheory]
    [InlineData("memory")]
    [InlineData("distributed")]
    public async Task While_Redis_is_paused_every_request_completes_within_the_operation_timeout(string store)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FarmOrigin.StartAsync(holdUntil: 1);
        await using var peer = await FarmPeer.StartAsync(redis.ConnectionString, coordinate: true, "p0", origin.Url("/warm"), store: store, operationTimeout: OperationTimeout);
        var times = new List<long>();
        await using (await RedisPause.StartAsync(redis))
        {
            // Several rounds, each a few concurrent misses: a thread blocked on Redis shows as one round held until the end.
            for (var round = 1; round <= 6; round++)
            {
                await peer.SendAsync($"get {origin.Url($"/paused-{round}")} 3");
                var (ok, failed, ms) = await peer.WaitForResultAsync(round);
                Assert.Equal((3, 0), (ok, failed));
                times.Add(ms);
            }
        }

        output.WriteLine($"{store} store, Redis paused: round ms {string.Join(", ", times)} (operation timeout {OperationTimeout.TotalMilliseconds:F0} ms)");
        Assert.All(times, ms => Assert.True(TimeSpan.FromMilliseconds(ms) < OperationTimeout + Margin, $"a round took {ms} ms"));
    }

    [RedisFact]
    public async Task An_instance_started_while_Redis_is_paused_serves_its_first_request_within_the_operation_timeout()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await FarmOrigin.StartAsync(holdUntil: 1);
        FarmPeer? peer = null;
        try
        {
            await using (await RedisPause.StartAsync(redis))
            {
                // The connection opens (the kernel accepts it) but nothing answers its handshake.
                peer = await FarmPeer.StartAsync(redis.ConnectionString, coordinate: true, "p0", origin.Url("/cold-start"), store: "memory", operationTimeout: OperationTimeout, prewarm: true);
                await peer.SendAsync($"get {origin.Url("/cold-start-2")} 3");
                var (ok, failed, ms) = await peer.WaitForResultAsync();

                output.WriteLine($"started while Redis is paused: first request {peer.WarmUp.TotalMilliseconds:F0} ms, then 3 misses in {ms} ms (operation timeout {OperationTimeout.TotalMilliseconds:F0} ms)");
                Assert.Equal((3, 0), (ok, failed));
                Assert.True(peer.WarmUp < OperationTimeout + Margin, $"the first request took {peer.WarmUp}");
                Assert.True(TimeSpan.FromMilliseconds(ms) < OperationTimeout + Margin, $"the next misses took {ms} ms");
            }
        }
        finally
        {
            if (peer is not null)
            {
                await peer.DisposeAsync();
            }
        }
    }
}
