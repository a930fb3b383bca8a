using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>
/// A TCP server on 127.0.0.1 that answers every HTTP/1.1 request with the same canned bytes and closes the connection:
/// for responses Kestrel refuses to send (a body on 205, malformed headers).
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly long _streamedBodyBytes;
    private readonly TaskCompletionSource<long> _bodyBytesSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requests;

    private RawHttpServer(TcpListener listener, byte[] response, long streamedBodyBytes = 0)
    {
        _listener = listener;
        _streamedBodyBytes = streamedBodyBytes;
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        _loop = Task.Run(() => AcceptAsync(response));
    }

    /// <summary>
    /// With <see cref="StartStreamingAsync"/>: the body bytes of the first response that the socket accepted before the
    /// client closed the connection (or all of them). Unlike Kestrel, a raw socket reports a closed peer on the next send.
    /// </summary>
    public Task<long> BodyBytesSent => _bodyBytesSent.Task;

    /// <summary>
    /// Answers with <paramref name="head"/> (status line and headers, ending in an empty line) followed by
    /// <paramref name="bodyBytes"/> bytes of 'e', written in 64 KiB sends.
    /// </summary>
    public static Task<RawHttpServer> StartStreamingAsync(string head, long bodyBytes)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return Task.FromResult(new RawHttpServer(listener, Encoding.ASCII.GetBytes(head), bodyBytes));
    }

    public Uri BaseAddress { get; }

    public int RequestCount => Volatile.Read(ref _requests);

    public static Task<RawHttpServer> StartAsync(string response)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return Task.FromResult(new RawHttpServer(listener, Encoding.ASCII.GetBytes(response)));
    }

    private async Task AcceptAsync(byte[] response)
    {
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

                        seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }

                    Interlocked.Increment(ref _requests);
                    await stream.WriteAsync(response, _stop.Token);
                    if (_streamedBodyBytes > 0)
                    {
                        await StreamBodyAsync(client.Client);
                    }

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

    private async Task StreamBodyAsync(Socket socket)
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'e');
        long sent = 0;
        try
        {
            while (sent < _streamedBodyBytes)
            {
                var size = (int)Math.Min(chunk.Length, _streamedBodyBytes - sent);
                sent += await socket.SendAsync(chunk.AsMemory(0, size), SocketFlags.None, _stop.Token);
            }
        }
        catch (SocketException)
        {
            // The client closed the connection.
        }
        finally
        {
            _bodyBytesSent.TrySetResult(sent);
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
