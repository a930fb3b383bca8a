using System.Diagnostics;
using System.Text;

namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>
/// A run of the peer program (tests/StatusAwareHttp.TestPeer), a process of its own started as
/// <c>dotnet StatusAwareHttp.TestPeer.dll &lt;mode&gt; args...</c>: an app instance on the same SQLite file, the
/// same Redis, or an app's whole life for its exit code and stderr. Its stdout and stderr are read in the background,
/// and the test waits on the lines it says (<see cref="PeerLines"/>: <c>#key=value</c> among the logs), never on a
/// fixed delay. Every wait ends after <see cref="Patience"/> with the lines so far in the message.
/// </summary>
public sealed class PeerProcess : IAsyncDisposable, IDisposable
{
    /// <summary>How long a wait for a line or the exit lasts before it fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly string _mode;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _lines = [];
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();
    private readonly SemaphoreSlim _said = new(0);
    private readonly TaskCompletionSource _streamsEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openStreams = 2;

    private PeerProcess(ProcessStartInfo info, string mode)
    {
        _mode = mode;
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Add(e.Data, _output, string.Empty);
        _process.ErrorDataReceived += (_, e) => Add(e.Data, _errors, "stderr: ");
        _process.Exited += (_, _) => Signal();
        if (!_process.Start())
        {
            throw new InvalidOperationException("The peer did not start.");
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Gets what the peer said so far, in order: its stdout lines, and its stderr lines prefixed "stderr: ".</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Starts the peer with <paramref name="args"/> (the mode first), its stdin open for the test to write to.</summary>
    public static PeerProcess Start(params string[] args)
    {
        ArgumentOutOfRangeException.ThrowIfZero(args.Length);
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

        return new PeerProcess(info, args[0]);
    }

    /// <summary>Runs the peer with <paramref name="args"/> to its end, its stdin closed at once (at most <see cref="Patience"/>).</summary>
    public static Task<PeerRun> RunAsync(params string[] args) => RunAsync(args, Patience);

    /// <summary>
    /// Runs the peer with <paramref name="args"/> to its end, its stdin closed at once; a run still going after
    /// <paramref name="limit"/> is killed and reported as exit code -1.
    /// </summary>
    public static async Task<PeerRun> RunAsync(IEnumerable<string> args, TimeSpan limit)
    {
        await using var peer = Start([.. args]);
        peer._process.StandardInput.Close();
        try
        {
            return await peer.WaitForExitAsync(limit);
        }
        catch (TimeoutException)
        {
            await peer.KillAsync();
            var run = peer.Result(-1);
            return run with { Errors = run.Errors + $"\n(killed after {limit})" };
        }
    }

    /// <summary>Gets the path of the built peer program (tests/StatusAwareHttp.TestPeer beside the running test project).</summary>
    public static string DllPath()
    {
        // tests/<test project>/bin/<Configuration>/<tfm>/ -> tests/StatusAwareHttp.TestPeer/bin/<Configuration>/<tfm>/
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = here.Name;
        var configuration = here.Parent!.Name;
        var tests = here.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "StatusAwareHttp.TestPeer", "bin", configuration, tfm, "StatusAwareHttp.TestPeer.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build tests/StatusAwareHttp.TestPeer first", path);
    }

    /// <summary>Writes a line to the peer's stdin.</summary>
    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the <paramref name="count"/>-th line matching <paramref name="match"/>, said before or after the call.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, int count = 1)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var found = Lines.Where(match).ToArray();
            if (found.Length >= count)
            {
                return found[count - 1];
            }

            if (_process.HasExited && _streamsEnded.Task.IsCompleted)
            {
                throw new InvalidOperationException($"The peer ({_mode}) exited ({_process.ExitCode}) before saying what was waited for:\n{string.Join('\n', Lines)}");
            }

            try
            {
                await _said.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The peer ({_mode}) did not say what was waited for within {Patience}:\n{string.Join('\n', Lines)}");
            }
        }
    }

    /// <summary>Waits for the <paramref name="count"/>-th <c>#key</c> or <c>#key=value</c> line; returns its value.</summary>
    public async Task<string> WaitForValueAsync(string key, int count = 1) =>
        PeerLines.ValueOf(await WaitForAsync(line => PeerLines.Is(line, key), count))!;

    /// <summary>Waits for a line equal to <paramref name="line"/>.</summary>
    public Task WaitForLineAsync(string line) => WaitForAsync(l => l == line);

    /// <summary>Waits for the peer to end by itself (at most <see cref="Patience"/>); asserts nothing.</summary>
    public Task<PeerRun> WaitForExitAsync() => WaitForExitAsync(Patience);

    /// <summary>Closes the peer's stdin (which ends the modes that read it, the way an app ends) and waits for its end.</summary>
    public Task<PeerRun> EndAsync()
    {
        _process.StandardInput.Close();
        return WaitForExitAsync(Patience);
    }

    /// <summary>SIGKILL on Unix: no finaliser, no disposal, no flush runs; the peer dies where it is (mid-write, a lease held).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        _said.Dispose();
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

    private async Task<PeerRun> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            await _streamsEnded.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The peer ({_mode}) did not exit within {limit}:\n{string.Join('\n', Lines)}");
        }

        return Result(_process.ExitCode);
    }

    private PeerRun Result(int exitCode)
    {
        lock (_lines)
        {
            return new PeerRun(exitCode, _output.ToString(), _errors.ToString(), _clock.Elapsed);
        }
    }

    private void Add(string? line, StringBuilder stream, string prefix)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _openStreams) == 0)
            {
                _streamsEnded.TrySetResult();
            }
        }
        else
        {
            lock (_lines)
            {
                _lines.Add(prefix + line);
                stream.AppendLine(line);
            }
        }

        Signal();
    }

    private void Signal()
    {
        try
        {
            _said.Release();
        }
        catch (ObjectDisposedException)
        {
            // A line read, or the exit seen, after the test disposed the peer.
        }
    }
}
