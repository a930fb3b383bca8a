using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>
/// A TCP server on 127.0.0.1 that answers each HTTP/1.1 request with bytes the test gives as they are (obs-text in a
/// header, a lone 0xE9: what Kestrel will not send), records each request head, and closes the connection.
/// </summary>
public sealed class RawBytesServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<string> _heads = new();

    private RawBytesServer(TcpListener listener, Func<int, byte[]> respond)
    {
        _listener = listener;
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        _loop = Task.Run(() => AcceptAsync(respond));
    }

    public Uri BaseAddress { get; }

    /// <summary>Gets the request heads received so far (request line and fields, Latin-1), in order.</summary>
    public IReadOnlyList<string> Heads => _heads.ToArray();

    /// <summary>Starts a server that answers request <c>n</c> (from 0) with <paramref name="respond"/>(n).</summary>
    public static RawBytesServer Start(Func<int, byte[]> respond)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new RawBytesServer(listener, respond);
    }

    /// <summary>The bytes of Latin-1 text: each char one byte, so "\u00E9" is the byte 0xE9 and "caf\u00C3\u00A9" is UTF-8 "café".</summary>
    public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>Whether a request head has a field of that name.</summary>
    public static bool HasField(string head, string name) =>
        head.Split("\r\n").Any(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase));

    private async Task AcceptAsync(Func<int, byte[]> respond)
    {
        var index = 0;
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var buffer = new byte[8192];
                    var seen = new StringBuilder();
                    while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var read = await stream.ReadAsync(buffer, _stop.Token);
                        if (read == 0)
                        {
                            break;
                        }

                        seen.Append(Encoding.Latin1.GetString(buffer, 0, read));
                    }

                    if (seen.Length == 0)
                    {
                        continue;
                    }

                    _heads.Enqueue(seen.ToString());
                    await stream.WriteAsync(respond(index++), _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (IOException)
                {
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
