using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// End to end over real sockets: collapsed requests that survive their leader (one waiting caller takes over), and
/// hit-for-pass (a key whose last answer could not be stored is not collapsed for a while).
/// </summary>
public class CacheTakeOverAndPassTests
{
    // 8 identical GETs; the leader's request is cancelled (or fails) while 7 wait: one of them sends its own request,
    // the other 6 join it. The origin sees 2 requests, not 8.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task When_the_leader_goes_away_one_waiting_caller_takes_over_and_the_rest_join_it(bool leaderFails)
    {
        var time = Time();
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dropLeader = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/leader", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref count) == 1)
            {
                if (leaderFails)
                {
                    // The connection drops before any response, once the others wait.
                    await dropLeader.Task;
                    context.Abort();
                    return;
                }

                // Until the leader's caller cancels.
                await Task.WhenAny(Task.Delay(Timeout.Infinite, context.RequestAborted));
                return;
            }

            await second.Task;
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "max-age=60";
            await context.Response.WriteAsync("shared");
        }));
        await using var client = Client(time, o => o.Retries.Enabled = false);
        var uri = server.Url("leader");

        using var leaderCancel = new CancellationTokenSource();
        var leader = client.Client.GetAsync(uri, leaderCancel.Token);
        await WaitUntil(() => server.CountFor("/leader") == 1, "the leader's request reached the origin");
        var followers = Enumerable.Range(0, 7).Select(_ => GetAsync(client, uri)).ToArray();
        await WaitUntil(() => State(client).Waiting == 7, "7 callers wait for the leader");
        if (leaderFails)
        {
            dropLeader.SetResult();
        }
        else
        {
            leaderCancel.Cancel();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => leader);
        await WaitUntil(() => Volatile.Read(ref count) >= 2 && State(client).Waiting == 6, "one caller took over and 6 wait for it");
        second.SetResult();
        var results = await Task.WhenAll(followers);

        Assert.All(results, r => Assert.Equal("shared", r.Body));
        Assert.Equal(2, server.CountFor("/leader"));
        Assert.Equal(6, results.Count(r => Status(r.Response)!.Contains("; collapsed", StringComparison.Ordinal)));
        Assert.All(results, r => r.Response.Dispose());
    }

    // Once a key's answer was not storable, the next concurrent requests go straight to the origin, together.
    [Fact]
    public async Task Concurrent_requests_for_a_no_store_resource_are_not_serialised_behind_one()
    {
        var time = Time();
        var inFlight = 0;
        var most = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var warm = true;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/no-store", async (HttpContext context) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            int seen;
            while ((seen = Volatile.Read(ref most)) < now && Interlocked.CompareExchange(ref most, now, seen) != seen)
            {
            }

            if (now == 16)
            {
                all.TrySetResult();
            }

            // Each answer waits (at most 10 s) until 16 requests are at the origin at once.
            if (!Volatile.Read(ref warm))
            {
                try
                {
                    await all.Task.WaitAsync(TimeSpan.FromSeconds(10));
                }
                catch (TimeoutException)
                {
                    // Fewer than 16 came: answer anyway, and the test's assertion on the count says so.
                }
            }

            Interlocked.Decrement(ref inFlight);
            context.Response.Headers.Date = Http(time.GetUtcNow());
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsync("not stored");
        }));
        await using var client = Client(time);
        var uri = server.Url("no-store");

        // The first answer shows the key is not storable.
        var (first, _) = await GetAsync(client, uri);
        first.Dispose();
        Volatile.Write(ref warm, false);
        Volatile.Write(ref most, 0);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => GetAsync(client, uri)));

        Assert.All(results, r => Assert.Equal("not stored", r.Body));
        Assert.Equal(17, server.CountFor("/no-store"));
        Assert.Equal(16, Volatile.Read(ref most)); // all 16 were at the origin together: none waited for another
        Assert.DoesNotContain(results, r => Status(r.Response)!.Contains("; collapsed", StringComparison.Ordinal));
        Assert.All(results, r => r.Response.Dispose());
    }
}
