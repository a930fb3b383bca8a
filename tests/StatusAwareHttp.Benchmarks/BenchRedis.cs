using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace StatusAwareHttp.Benchmarks;

/// <summary>A redis-server (Debian package) on a free loopback port, without persistence, owned by one benchmark process.</summary>
public sealed class BenchRedis : IDisposable
{
    public const string Binary = "/usr/bin/redis-server";

    private readonly Process _process;

    private BenchRedis(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public static bool IsInstalled => File.Exists(Binary);

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    public static async Task<BenchRedis> StartAsync()
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"{Binary} is not installed (apt-get install redis-server).");
        }

        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var redis = new BenchRedis(process, port);

        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[8];
                if (await stream.ReadAsync(buffer) > 0 && buffer[0] == (byte)'+')
                {
                    return redis;
                }
            }
            catch (SocketException)
            {
            }

            await Task.Delay(50);
        }

        redis.Dispose();
        throw new TimeoutException($"redis-server did not answer on port {port}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
