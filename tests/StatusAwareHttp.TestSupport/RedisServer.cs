using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> (Debian package) on a free loopback port, with no persistence, started and killed by the
/// test. <see cref="IsInstalled"/> says whether the binary is there; CI installs it.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/redis-server";

    private Process? _process;

    private RedisServer(int port) => Port = port;

    public static bool IsInstalled => File.Exists(Binary);

    public int Port { get; }

    /// <summary>Gets a StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=10000,asyncTimeout=10000";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<RedisServer> StartAsync(int? port = null)
    {
        var server = new RedisServer(port ?? LoopbackPorts.Free());
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the server again on the same port (after <see cref="KillAsync"/>).</summary>
    public async Task StartAsync()
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--protected-mode", "yes" })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                using var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer);
                if (read > 0 && buffer[0] == (byte)'+')
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode} on port {Port}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"redis-server did not answer on port {Port} within 10 s");
    }

    /// <summary>Kills the server at once (no shutdown save), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
