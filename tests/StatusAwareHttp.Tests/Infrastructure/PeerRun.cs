using System.Diagnostics;
using System.Text;

namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>How a run of the peer program ended: its exit code, what it wrote, and how long it took.</summary>
public sealed record PeerRun(int ExitCode, string Output, string Errors, TimeSpan Elapsed)
{
    /// <summary>
    /// Runs tests/StatusAwareHttp.Tests.Peer with <paramref name="args"/> to its end, with no standard input; a run
    /// still going after <paramref name="limit"/> is killed and reported as exit code -1.
    /// </summary>
    public static async Task<PeerRun> RunAsync(IEnumerable<string> args, TimeSpan limit)
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

        var output = new StringBuilder();
        var errors = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("the peer did not start");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(errors, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            process.WaitForExit(); // the redirected streams are read to their end
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new PeerRun(-1, Text(output), Text(errors) + $"\n(killed after {limit})", watch.Elapsed);
        }

        return new PeerRun(process.ExitCode, Text(output), Text(errors), watch.Elapsed);
    }

    public override string ToString() => $"exit code {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n--- stdout\n{Output}\n--- stderr\n{Errors}";

    private static void Append(StringBuilder text, string? line)
    {
        if (line is not null)
        {
            lock (text)
            {
                text.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    /// <summary>Gets the path of the built peer program (tests/StatusAwareHttp.Tests.Peer beside this test project).</summary>
    public static string DllPath()
    {
        // tests/StatusAwareHttp.Tests/bin/<Configuration>/<tfm>/ -> tests/StatusAwareHttp.Tests.Peer/bin/<Configuration>/<tfm>/
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = here.Name;
        var configuration = here.Parent!.Name;
        var tests = here.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "StatusAwareHttp.Tests.Peer", "bin", configuration, tfm, "StatusAwareHttp.Tests.Peer.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build tests/StatusAwareHttp.Tests.Peer first", path);
    }
}
