namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>How a run of the peer program ended: its exit code, what it wrote, and how long it took.</summary>
public sealed record PeerRun(int ExitCode, string Output, string Errors, TimeSpan Elapsed)
{
    /// <summary>Gets the lines of stdout, trimmed, without empty ones.</summary>
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Runs the peer with <paramref name="args"/> (the mode first) to its end, with no standard input; a run still going
    /// after <paramref name="limit"/> is killed and reported as exit code -1.
    /// </summary>
    public static Task<PeerRun> RunAsync(IEnumerable<string> args, TimeSpan limit) => PeerProcess.RunAsync(args, limit);

    /// <summary>The values of every <c>#key=value</c> line, in order.</summary>
    public IReadOnlyList<string> Values(string key) => PeerLines.Values(Lines, key);

    /// <summary>The value of the one <c>#key=value</c> line (it fails when there is none or more than one).</summary>
    public string Value(string key) => Assert.Single(Values(key));

    /// <summary>Whether the peer said <c>#key</c> (with a value or none).</summary>
    public bool Said(string key) => Values(key).Count > 0;

    public override string ToString() => $"exit code {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n--- stdout\n{Output}\n--- stderr\n{Errors}";
}
