using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Redis.Tests.Infrastructure;

/// <summary>
/// A redis-server stopped by SIGSTOP (its connections stay open, nothing answers) until disposed, which sends SIGCONT:
/// use it with <c>await using</c>, so that the server always resumes.
/// </summary>
public sealed class RedisPause : IAsyncDisposable
{
    private readonly int _pid;
    private int _resumed;

    private RedisPause(int pid) => _pid = pid;

    /// <summary>Pauses <paramref name="redis"/> (its process id read from <c>INFO server</c>).</summary>
    public static async Task<RedisPause> StartAsync(RedisServer redis)
    {
        int pid;
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            var info = (string)(await connection.GetDatabase().ExecuteAsync("INFO", "server"))!;
            var line = info.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("process_id:", StringComparison.Ordinal));
            pid = int.Parse(line["process_id:".Length..], CultureInfo.InvariantCulture);
        }

        await SignalAsync("-STOP", pid);
        return new RedisPause(pid);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _resumed, 1) == 0)
        {
            await SignalAsync("-CONT", _pid);
        }
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start("kill", [signal, pid.ToString(CultureInfo.InvariantCulture)]) ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {pid} exited with {kill.ExitCode}");
        }
    }
}
