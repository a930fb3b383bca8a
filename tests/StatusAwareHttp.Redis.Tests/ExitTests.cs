using System.Diagnostics;
using StatusAwareHttp.Redis.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StatusAwareHttp.Redis.Tests;

/// <summary>
/// An app with <c>UseRedisCoordination</c>, in a process of its own (the peer program, mode <c>exit</c>), from
/// start to exit: services disposed by <c>using</c>, by <c>await using</c>, or by a Generic Host that is started and
/// stopped; with Redis, without it (a closed port), with one request or none. Every exit is clean: code 0, nothing on
/// stderr (an unhandled exception in a disposal would write there and exit with 134).
/// </summary>
public sealed class ExitTests(ITestOutputHelper output)
{
    public static TheoryData<string, bool, bool> Exits()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var dispose in new[] { "using", "await-using", "host" })
        {
            foreach (var redisUp in new[] { true, false })
            {
                foreach (var request in new[] { true, false })
                {
                    data.Add(dispose, redisUp, request);
                }
            }
        }

        return data;
    }

    [RedisTheory]
    [MemberData(nameof(Exits))]
    public async Task An_app_exits_cleanly(string dispose, bool redisUp, bool request)
    {
        await using var redis = redisUp ? await RedisServer.StartAsync() : null;
        await using var origin = await FarmOrigin.StartAsync(holdUntil: 1);
        var configuration = redis?.ConnectionString ?? $"127.0.0.1:{LoopbackPorts.Free()}";

        var clock = Stopwatch.StartNew();
        var run = await PeerProcess.RunAsync(
            "exit", $"redis={configuration}", $"dispose={dispose}", $"request={(request ? origin.Url("/exit").ToString() : "none")}");

        output.WriteLine($"{dispose}, redis {(redisUp ? "up" : "missing")}, {(request ? "one request" : "no request")}: exit {run.ExitCode} after {clock.ElapsedMilliseconds} ms");
        output.WriteLine(run.Output);
        Assert.Equal(string.Empty, run.Errors);
        Assert.Equal(0, run.ExitCode);
        Assert.True(run.Said("exited"), run.ToString());
        if (request)
        {
            Assert.Equal("200", run.Value("status"));
        }
    }
}
