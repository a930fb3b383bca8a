using System.Diagnostics;

namespace StatusAwareHttp.Sqlite.Tests.Infrastructure;

/// <summary>The second process (tests/StatusAwareHttp.Sqlite.Peer), run as <c>dotnet StatusAwareHttp.Sqlite.Peer.dll job file ...</c>.</summary>
public sealed class PeerProcess : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    private readonly Process _process;

    private PeerProcess(Process process) => _process = process;

    public static PeerProcess Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "StatusAwareHttp.Sqlite.Peer.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return new PeerProcess(Process.Start(info) ?? throw new InvalidOperationException("The peer process did not start."));
    }

    /// <summary>Runs one job to its end; returns its stdout lines.</summary>
    public static async Task<string[]> RunAsync(params string[] args)
    {
        using var peer = Start(args);
        return await peer.WaitForExitAsync();
    }

    /// <summary>Reads stdout until a line equal to <paramref name="line"/>.</summary>
    public async Task WaitForLineAsync(string line)
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } read)
        {
            if (read == line)
            {
                return;
            }
        }

        throw new InvalidOperationException($"The peer ended before saying '{line}': {await _process.StandardError.ReadToEndAsync(timeout.Token)}");
    }

    public Task SendLineAsync(string line) => _process.StandardInput.WriteLineAsync(line);

    /// <summary>Waits for the end; returns its exit code, stdout lines and stderr, asserting nothing.</summary>
    public async Task<PeerResult> WaitForResultAsync()
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        var output = _process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = _process.StandardError.ReadToEndAsync(timeout.Token);
        await _process.WaitForExitAsync(timeout.Token);
        return new PeerResult(_process.ExitCode, (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), await error);
    }

    public async Task<string[]> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        var output = _process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = _process.StandardError.ReadToEndAsync(timeout.Token);
        await _process.WaitForExitAsync(timeout.Token);
        Assert.True(_process.ExitCode == 0, $"The peer exited with {_process.ExitCode}: {await error}");
        Assert.DoesNotContain("locked", await error, StringComparison.OrdinalIgnoreCase);
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>SIGKILL on Unix (<see cref="Process.Kill()"/>): no finaliser, no disposal, no flush runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}

/// <summary>How a peer ended: its exit code, its stdout lines and its stderr.</summary>
public sealed record PeerResult(int ExitCode, string[] Output, string Error);
