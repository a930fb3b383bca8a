using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Lifecycle;

/// <summary>
/// An app's whole life in a second process, for each store registration of the core package and each way an app
/// ends: a <c>using var</c> service provider (disposed synchronously), an <c>await using</c> one, a Generic Host
/// started and stopped, a provider never disposed, and the no-DI handler. The app must exit with code 0 and write
/// nothing to stderr (where the runtime reports an unhandled exception, such as one thrown while disposing), with a
/// request sent or none, and with the distributed store's Redis up or unreachable.
/// </summary>
public sealed class ShutdownTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("memory", "using", true)]
    [InlineData("memory", "await-using", true)]
    [InlineData("memory", "host", true)]
    [InlineData("memory", "no-dispose", true)]
    [InlineData("memory", "using", false)]
    [InlineData("memory", "host", false)]
    [InlineData("no-di-memory", "using", true)]
    public async Task An_app_with_the_memory_store_ends_cleanly(string store, string exit, bool sendRequest)
    {
        await using var origin = await StartOriginAsync();
        var run = await PeerRun.RunAsync(["lifecycle", store, exit, sendRequest ? origin.Url("/cached").AbsoluteUri : "-"], Limit);
        AssertClean(run, sendRequest);
    }

    [RedisTheory]
    [InlineData("distributed", "using", true)]
    [InlineData("distributed", "await-using", true)]
    [InlineData("distributed", "host", true)]
    [InlineData("distributed", "using", false)]
    [InlineData("distributed", "host", false)]
    [InlineData("no-di-distributed", "using", true)]
    public async Task An_app_with_the_distributed_store_on_redis_ends_cleanly(string store, string exit, bool sendRequest)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await StartOriginAsync();
        var run = await PeerRun.RunAsync(["lifecycle", store, exit, sendRequest ? origin.Url("/cached").AbsoluteUri : "-", redis.ConnectionString], Limit);
        AssertClean(run, sendRequest);
    }

    [Theory]
    [InlineData("distributed", "using", true)]
    [InlineData("distributed", "await-using", true)]
    [InlineData("distributed", "host", true)]
    [InlineData("distributed", "host", false)]
    [InlineData("no-di-distributed", "using", true)]
    public async Task An_app_with_the_distributed_store_and_no_redis_ends_cleanly(string store, string exit, bool sendRequest)
    {
        await using var origin = await StartOriginAsync();
        var closed = $"127.0.0.1:{LoopbackPorts.Free()},abortConnect=false,connectTimeout=500";
        var run = await PeerRun.RunAsync(["lifecycle", store, exit, sendRequest ? origin.Url("/cached").AbsoluteUri : "-", closed], Limit);
        AssertClean(run, sendRequest);
    }

    private static void AssertClean(PeerRun run, bool sentRequest)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Errors.Trim().Length == 0, run.ToString());
        Assert.Contains("#exited", run.Output, StringComparison.Ordinal);
        Assert.Equal(sentRequest, run.Output.Contains("#status=200", StringComparison.Ordinal));
    }

    private static Task<LoopbackServer> StartOriginAsync() => LoopbackServer.StartAsync(app => app.MapGet("/cached", (HttpContext c) =>
    {
        c.Response.Headers.CacheControl = "max-age=600";
        return Results.Text("stored");
    }));
}
