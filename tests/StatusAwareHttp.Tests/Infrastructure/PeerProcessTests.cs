namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>The peer program's launcher and its output protocol (<c>#key=value</c> lines among the logs).</summary>
public sealed class PeerProcessTests
{
    [Theory]
    [InlineData("#status=200", "status", true, "200")]
    [InlineData("#ready", "ready", true, "")]
    [InlineData("#ready=1234", "ready", true, "1234")]
    [InlineData("#body=a=b c", "body", true, "a=b c")]
    [InlineData("#cache-status=StatusAwareHttp; hit", "cache-status", true, "StatusAwareHttp; hit")]
    [InlineData("#readyx", "ready", false, "")]
    [InlineData("#status=200", "stat", false, "200")]
    [InlineData("ready", "ready", false, null)]
    [InlineData("warn: StatusAwareHttp.Redis[801] #ready", "ready", false, null)]
    public void A_line_is_read_by_its_key(string line, string key, bool isKey, string? value)
    {
        Assert.Equal(isKey, PeerLines.Is(line, key));
        Assert.Equal(value, PeerLines.ValueOf(line));
    }

    [Fact]
    public void A_run_gives_every_value_of_a_key_in_order()
    {
        var run = new PeerRun(0, "info: started\n#get=1 10 a 1\n#post=1 11\n#get=2 12 b 0\n#done\n", string.Empty, TimeSpan.Zero);

        Assert.Equal(["1 10 a 1", "2 12 b 0"], run.Values("get"));
        Assert.Equal("1 11", run.Value("post"));
        Assert.True(run.Said("done"));
        Assert.False(run.Said("started"));
    }

    [Fact]
    public async Task An_unknown_mode_ends_with_exit_code_2_and_says_so_on_stderr()
    {
        var run = await PeerProcess.RunAsync("no-such-mode");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown mode 'no-such-mode'", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wait_for_a_line_the_peer_never_says_fails_once_it_exits_with_what_it_said()
    {
        await using var peer = PeerProcess.Start("no-such-mode");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => peer.WaitForValueAsync("ready"));

        Assert.Contains("exited (2)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("stderr: unknown mode", failure.Message, StringComparison.Ordinal);
    }
}
