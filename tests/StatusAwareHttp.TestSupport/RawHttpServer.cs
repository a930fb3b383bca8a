using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>
/// A TCP server on 127.0.0.1 that answers each HTTP/1.1 request with bytes the test gives as they are, records each
/// request head, and closes the connection: for responses Kestrel refuses to send (a body on 205, malformed headers,
/// obs-text in a field, a lone 0xE9). It answers the same bytes every time (<see cref="StartAsync"/>), bytes made per
/// request (<see cref="Start"/>), or a head followed by a long body it streams (<see cref="StartStreamingAsync"/>).
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Func<int, byte[]> _respond;
    private readonly long _streamedBodyBytes;
    private readonly TaskCompletionSource<long> _bodyBytesSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _heads = new();
    private int _requests;

    private RawHttpServer(Func<int, byte[]> respond, long streamedBodyBytes = 0)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _respond = respond;
        _streamedBodyBytes = streamedBodyBytes;
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptAsync);
    }

    public Uri BaseAddress { get; }

    /// <summary>Gets the number of requests answered so far.</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>Gets the request heads received so far (request line and fields, Latin-1), in order.</summary>
    public IReadOnlyList<string> Heads => _heads.ToArray();

    /// <summary>
    /// With <see cref="StartStreamingAsync"/>: the body bytes of the first response that the socket accepted before the
    /// client closed the connection (or all of them). Unlike Kestrel, a raw socket reports a closed peer on the next send.
    /// </summary>
    public Task<long> BodyBytesSent => _bodyBytesSent.Task;

    /// <summary>Starts a server that answers every request with <paramref name="response"/> (ASCII).</summary>
    public static Task<RawHttpServer> StartAsync(string response)
    {
        var bytes = Encoding.ASCII.GetBytes(response);
        return Task.FromResult(new RawHttpServer(_ => bytes));
    }

    /// <summary>Starts a server that answers request <c>n</c> (from 0) with <paramref name="respond"/>(n).</summary>
    public static RawHttpServer Start(Func<int, byte[]> respond) => new(respond);

    /// <summary>
    /// Answers with <paramref name="head"/> (status line and headers, ending in an empty line) followed by
    /// <paramref name="bodyBytes"/> bytes of 'e', written in 64 KiB sends.
    /// </summary>
    public static Task<RawHttpServer> StartStreamingAsync(string head, long bodyBytes)
    {
        var bytes = Encoding.ASCII.GetBytes(head);
        return Task.FromResult(new RawHttpServer(_ => bytes, bodyBytes));
    }

    /// <summary>The bytes of Latin-1 text: each char one byte, so "\u00E9" is the byte 0xE9 and "caf\u00C3\u00A9" is UTF-8 "café".</summary>
    public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>Whether a request head has a field of that name.</summary>
    public static bool HasField(string head, string name) =>
        head.Split("\r\n").Any(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase));

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

    private async Task AcceptAsync()
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
                    var head = await ReadHeadAsync(stream);
                    if (head.Length == 0)
                    {
                        continue;
                    }

                    _heads.Enqueue(head);
                    var index = Interlocked.Increment(ref _requests) - 1;
                    await stream.WriteAsync(_respond(index), _stop.Token);
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

    /// <summary>Reads up to the empty line that ends a request head (or the end of the connection).</summary>
    private async Task<string> ReadHeadAsync(NetworkStream stream)
    {
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

        return seen.ToString();
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
}
