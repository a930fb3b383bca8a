using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Sqlite.Tests.Infrastructure;

/// <summary>What every run of a SQLite job of the peer must show.</summary>
internal static class PeerRunChecks
{
    /// <summary>Asserts exit code 0 and that no caller of the peer saw the file locked (nothing of it on stderr).</summary>
    public static PeerRun AssertUnlocked(this PeerRun run)
    {
        Assert.True(run.ExitCode == 0, $"The peer exited with {run.ExitCode}: {run.Errors}");
        Assert.DoesNotContain("locked", run.Errors, StringComparison.OrdinalIgnoreCase);
        return run;
    }
}
