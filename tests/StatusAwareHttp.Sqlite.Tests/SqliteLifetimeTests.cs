using System.Globalization;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// An app on the SQLite store, from start to exit, in a child process (tests/StatusAwareHttp.TestPeer): disposed
/// synchronously, asynchronously or by a Generic Host (the store disposed twice on the way), or never disposed (Main
/// returns, or <c>Environment.Exit</c>): it exits with 0, writes nothing on stderr, and the next process finds every
/// response it stored.
/// </summary>
public sealed class SqliteLifetimeTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();
    private readonly ITestOutputHelper _output;

    public SqliteLifetimeTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("using")]
    [InlineData("await-using")]
    [InlineData("host")]
    [InlineData("return")]
    [InlineData("exit")]
    public async Task An_app_that_ends_so_exits_cleanly_and_leaves_every_response_in_the_file(string mode)
    {
        await using var origin = await SqliteOrigin.StartAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var peer = PeerProcess.Start("lifetime", _folder.File(), origin.BaseAddress.ToString(), mode);
        var result = await peer.WaitForExitAsync();
        _output.WriteLine($"{mode}: process {clock.ElapsedMilliseconds} ms; {string.Join(" ", result.Lines)}");

        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.Errors}");
        Assert.Equal(string.Empty, result.Errors);
        Assert.DoesNotContain(result.Lines, line => line.Contains("warn", StringComparison.Ordinal) || line.Contains("fail", StringComparison.Ordinal));

        // The next process (this one) finds all of them.
        var stored = await KeysAsync($"/n/{mode}-");
        Assert.Equal(100, stored);
    }

    [Theory]
    [InlineData("using")]
    [InlineData("await-using")]
    public async Task Disposal_ends_within_FlushTimeout_and_its_margin_while_another_process_holds_the_lock(string mode)
    {
        const int FlushMilliseconds = 2000;
        await using var origin = await SqliteOrigin.StartAsync();

        // The file exists (schema made) before another process takes its write lock and keeps it.
        using (var made = StoreEntries.Store(_folder.File(), TimeProvider.System))
        {
            await made.SetAsync("made", [StoreEntries.Entry(DateTimeOffset.UtcNow, 10)], null, default);
        }

        using var holder = PeerProcess.Start("hold", _folder.File());
        await holder.WaitForValueAsync("ready");
        using var app = PeerProcess.Start("dispose-held", _folder.File(), origin.BaseAddress.ToString(), FlushMilliseconds.ToString(CultureInfo.InvariantCulture), mode);
        var result = await app.WaitForExitAsync();
        await holder.SendLineAsync("done");
        _output.WriteLine($"{mode}: {string.Join(" ", result.Lines)}");

        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.Errors}");
        Assert.Equal(string.Empty, result.Errors);
        var disposeMs = long.Parse(result.Value("dispose-ms"), CultureInfo.InvariantCulture);
        Assert.InRange(disposeMs, 0, FlushMilliseconds + SqliteBounds.DisposeMarginMilliseconds);
    }

    private async Task<int> KeysAsync(string marker)
    {
        using var store = StoreEntries.Store(_folder.File(), TimeProvider.System);
        var count = 0;
        await foreach (var key in store.GetKeysAsync(default))
        {
            count += key.Contains(marker, StringComparison.Ordinal) ? 1 : 0;
        }

        return count;
    }
}
