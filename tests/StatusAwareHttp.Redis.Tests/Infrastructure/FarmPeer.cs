using System.Globalization;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Redis.Tests.Infrastructure;

/// <summary>
/// One app instance of a farm: the peer program's mode <c>farm</c> (tests/StatusAwareHttp.TestPeer, a process of
/// its own, run by <see cref="PeerProcess"/>), told what to GET on its stdin. The test waits on what it says, never on a
/// fixed delay.
/// </summary>
public sealed class FarmPeer : IAsyncDisposable
{
    /// <summary>How long the farm tests wait for what an instance does to the origin or Redis.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly PeerProcess _process;

    private FarmPeer(PeerProcess process, string id)
    {
        _process = process;
        Id = id;
    }

    public string Id { get; }

    /// <summary>Gets what the instance said so far: its stdout lines, and its stderr lines prefixed "stderr: ".</summary>
    public IReadOnlyList<string> Lines => _process.Lines;

    /// <summary>Gets how long the instance's first request (the warm-up GET) took, as the instance measured it.</summary>
    public TimeSpan WarmUp { get; private set; }

    /// <summary>
    /// Starts an instance (a client with <c>UseDistributedHttpCache()</c>, or the memory store when <paramref name="store"/>
    /// is <c>"memory"</c>, and <c>UseRedisCoordination()</c> when <paramref name="coordinate"/>) and waits until it says
    /// its warm-up GET of <paramref name="warmUp"/> is done. With <paramref name="prewarm"/>, a GET through the same
    /// handlers without the farm comes first, so that <see cref="WarmUp"/> is what the farm adds to a first request.
    /// </summary>
    public static async Task<FarmPeer> StartAsync(string redis, bool coordinate, string id, Uri warmUp, TimeSpan? leaseTime = null, string store = "distributed", TimeSpan? operationTimeout = null, bool prewarm = false)
    {
        var args = new List<string> { "farm", $"redis={redis}", $"coordinate={(coordinate ? "on" : "off")}", $"peer={id}", $"warmup={warmUp}", $"store={store}", $"prewarm={(prewarm ? "on" : "off")}" };
        if (leaseTime is { } lease)
        {
            args.Add(Milliseconds("lease", lease));
        }

        if (operationTimeout is { } operation)
        {
            args.Add(Milliseconds("op", operation));
        }

        var peer = new FarmPeer(PeerProcess.Start([.. args]), id);
        try
        {
            peer.WarmUp = TimeSpan.FromMilliseconds(long.Parse(await peer._process.WaitForValueAsync("ready"), CultureInfo.InvariantCulture));
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }

        return peer;
    }

    /// <summary>Ends stdin, which ends the instance the way an app ends (its services disposed); returns its exit code.</summary>
    public async Task<int> EndAsync() => (await _process.EndAsync()).ExitCode;

    /// <summary>Tells the instance a command: <c>get &lt;url&gt; &lt;n&gt;</c> makes n concurrent GETs.</summary>
    public Task SendAsync(string line) => _process.SendLineAsync(line);

    /// <summary>Waits (at most <see cref="PeerProcess.Patience"/>) for a line matching <paramref name="match"/>, said before or after the call.</summary>
    public Task<string> WaitForAsync(Func<string, bool> match, int count = 1) => _process.WaitForAsync(match, count);

    /// <summary>Waits for the answer to the <paramref name="n"/>-th command: (succeeded, failed, milliseconds).</summary>
    public async Task<(int Ok, int Failed, long Ms)> WaitForResultAsync(int n = 1)
    {
        var parts = (await _process.WaitForValueAsync("got", n)).Split(' ');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>SIGKILL: the instance dies mid-request, its lease left behind.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static string Milliseconds(string key, TimeSpan value) =>
        string.Create(CultureInfo.InvariantCulture, $"{key}={(long)value.TotalMilliseconds}");
}
