using System.Collections.Concurrent;
using System.Diagnostics;

namespace StatusAwareHttp.Redis.Tests.Infrastructure;

/// <summary>
/// One app instance (tests/StatusAwareHttp.Redis.Peer, a process of its own): its stdout is read in the background,
/// and the test waits on the lines it says, never on a fixed delay.
/// </summary>
/// <remarks>Test helper, kept to what the farm tests need; the Sqlite tests' PeerProcess runs one job per process instead.</remarks>
public sealed class FarmPeer : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _said = new(0);

    private FarmPeer(Process process, string id)
    {
        _process = process;
        Id = id;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                _lines.Enqueue(line);
                _said.Release();
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                _lines.Enqueue("stderr: " + line);
                _said.Release();
            }
        };
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => _said.Release();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Id { get; }

    public IReadOnlyList<string> Lines => _lines.ToArray();

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

        var peer = new FarmPeer(Process.Start(StartInfo(args)) ?? throw new InvalidOperationException("The peer did not start."), id);
        var ready = await peer.WaitForAsync(line => line.StartsWith("#ready ", StringComparison.Ordinal));
        peer.WarmUp = TimeSpan.FromMilliseconds(long.Parse(ready["#ready ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        return peer;
    }

    /// <summary>Runs the peer with <paramref name="args"/> to its exit (at most <see cref="Patience"/>): its exit code, stdout lines and stderr.</summary>
    public static async Task<(int ExitCode, string[] Stdout, string Stderr)> RunToExitAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args)) ?? throw new InvalidOperationException("The peer did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The peer ({string.Join(' ', args)}) did not exit within {Patience}.");
        }

        return (process.ExitCode, (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), await stderr);
    }

    /// <summary>Ends stdin, which ends the instance the way an app ends (its services disposed); returns its exit code.</summary>
    public async Task<int> EndAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Patience);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    private static string Milliseconds(string key, TimeSpan value) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{key}={(long)value.TotalMilliseconds}");

    private static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath());
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    private static string DllPath()
    {
        // tests/StatusAwareHttp.Redis.Tests/bin/<Configuration>/<tfm>/ -> tests/StatusAwareHttp.Redis.Peer/bin/<Configuration>/<tfm>/
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tests = here.Parent!.Parent!.Parent!.Parent!;
        return Path.Combine(tests.FullName, "StatusAwareHttp.Redis.Peer", "bin", here.Parent.Name, here.Name, "StatusAwareHttp.Redis.Peer.dll");
    }

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits (at most <see cref="Patience"/>) for a line matching <paramref name="match"/>, said before or after the call.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, int count = 1)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var found = _lines.Where(match).ToArray();
            if (found.Length >= count)
            {
                return found[count - 1];
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Peer {Id} exited ({_process.ExitCode}):\n{string.Join('\n', _lines)}");
            }

            try
            {
                await _said.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Peer {Id} did not say what was waited for within {Patience}:\n{string.Join('\n', _lines)}");
            }
        }
    }

    /// <summary>Waits for the answer to the <paramref name="n"/>-th command: (succeeded, failed, milliseconds).</summary>
    public async Task<(int Ok, int Failed, long Ms)> WaitForResultAsync(int n = 1)
    {
        var line = await WaitForAsync(l => l.StartsWith("#got ", StringComparison.Ordinal), n);
        var parts = line.Split(' ');
        return (int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>SIGKILL: the instance dies mid-request, its lease left behind.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _said.Dispose();
    }
}
