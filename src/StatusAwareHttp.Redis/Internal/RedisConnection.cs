using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Polly.Timeout;
using StackExchange.Redis;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>
/// One client's connection to Redis as the request path sees it. It is made in the background from the moment the
/// coordination is created, never on a caller's thread. While it is being made, a caller waits for it at most
/// <see cref="RedisCoordinationOptions.OperationTimeout"/>. Once Redis was found unreachable (still connecting past that
/// wait, a failed connect, a lost connection), callers get no connection at once and decide alone, until the
/// multiplexer (which reconnects by itself) is connected again. One warning per outage names the host (its endpoints
/// only, never the configuration string, which may carry a password); one information line says when it answers again.
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly string _clientName;
    private readonly Func<Task<IConnectionMultiplexer>> _connect;
    private readonly bool _owned;
    private readonly CoordinationPipeline _pipeline;
    private readonly ILogger _logger;
    private Task<IConnectionMultiplexer>? _connecting;
    private int _unreachable;
    private int _disposed;

    /// <param name="clientName">The client's name, for the logs.</param>
    /// <param name="host">The endpoints, for the logs (see <see cref="Describe"/>).</param>
    /// <param name="connect">Makes the connection; may take the multiplexer's own connect timeout.</param>
    /// <param name="owned">Whether the connection is closed here (made from a configuration string) or belongs to the app.</param>
    /// <param name="pipeline">The pipelines (the connect wait's timeout).</param>
    /// <param name="logger">The coordination's logger.</param>
    public RedisConnection(string clientName, string host, Func<Task<IConnectionMultiplexer>> connect, bool owned, CoordinationPipeline pipeline, ILogger logger)
    {
        _clientName = clientName;
        Host = host;
        _connect = connect;
        _owned = owned;
        _pipeline = pipeline;
        _logger = logger;
    }

    /// <summary>Gets the endpoints of the connection, as the logs name them.</summary>
    public string Host { get; }

    /// <summary>Says why the connection cannot be used now, or <see langword="null"/> when it is connected (for the health check).</summary>
    public string? Trouble()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return "disposed";
        }

        var connecting = Volatile.Read(ref _connecting);
        if (connecting is null || !connecting.IsCompleted)
        {
            return $"connecting to {Host}";
        }

        if (!connecting.IsCompletedSuccessfully)
        {
            return $"cannot connect to {Host}";
        }

        return connecting.Result.IsConnected ? null : $"not connected to {Host}";
    }

    /// <summary>Describes endpoints for a log line: <c>host:port</c>, comma-separated.</summary>
    public static string Describe(IEnumerable<EndPoint> endPoints) =>
        string.Join(',', endPoints.Select(static endPoint => endPoint switch
        {
            DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
            _ => endPoint.ToString() ?? "?",
        }));

    /// <summary>Starts making the connection on the thread pool, unless it is made or being made (a failed attempt is made again).</summary>
    public Task<IConnectionMultiplexer> Start()
    {
        var current = Volatile.Read(ref _connecting);
        if (current is { IsFaulted: false, IsCanceled: false })
        {
            return current;
        }

        var starter = new Task<Task<IConnectionMultiplexer>>(_connect);
        var next = starter.Unwrap();
        if (Interlocked.CompareExchange(ref _connecting, next, current) != current)
        {
            return Volatile.Read(ref _connecting)!;
        }

        starter.Start(TaskScheduler.Default);
        if (Volatile.Read(ref _disposed) != 0)
        {
            CloseWhenMade(next);
        }

        return next;
    }

    /// <summary>
    /// Gets the connection when Redis can be reached; <see langword="null"/> when it cannot (the caller decides alone).
    /// Waits at most the operation timeout, and only while the connection is being made and Redis was not found
    /// unreachable yet.
    /// </summary>
    public async ValueTask<IConnectionMultiplexer?> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return null;
        }

        var connecting = Start();
        if (!connecting.IsCompleted)
        {
            if (Volatile.Read(ref _unreachable) != 0)
            {
                return null;
            }

            try
            {
                await _pipeline.Connect.ExecuteAsync(
                    static async (task, ct) => await task.WaitAsync(ct).ConfigureAwait(false),
                    connecting,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (TimeoutRejectedException)
            {
                Unreachable(null);
                return null;
            }
            catch (Exception ex)
            {
                Unreachable(ex);
                return null;
            }
        }

        if (!connecting.IsCompletedSuccessfully)
        {
            Unreachable(connecting.Exception?.GetBaseException());
            return null;
        }

        // Completed: no wait.
        var connection = await connecting.ConfigureAwait(false);
        if (!connection.IsConnected)
        {
            Unreachable(null);
            return null;
        }

        if (Volatile.Read(ref _unreachable) != 0 && Interlocked.Exchange(ref _unreachable, 0) != 0)
        {
            Log.Reachable(_logger, _clientName, Host);
        }

        return connection;
    }

    /// <summary>
    /// Closes an owned connection without waiting for Redis (a paused server would hold a <c>QUIT</c> for the
    /// multiplexer's sync timeout), now or when it is made. Never throws; a second call does nothing. A lease release
    /// still in flight may be lost: that lease expires by itself.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || Volatile.Read(ref _connecting) is not { } connecting)
        {
            return;
        }

        CloseWhenMade(connecting);
    }

    private void CloseWhenMade(Task<IConnectionMultiplexer> connecting)
    {
        if (!_owned)
        {
            return;
        }

        connecting.ContinueWith(
            static task =>
            {
                if (!task.IsCompletedSuccessfully)
                {
                    _ = task.Exception;
                    return;
                }

                try
                {
                    // Completed: no wait.
                    var connection = task.Result;
                    connection.Close(allowCommandsToComplete: false);
                    connection.Dispose();
                }
                catch (Exception)
                {
                    // Closing is best effort: the process may be exiting, and nothing waits for this connection.
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Unreachable(Exception? exception)
    {
        if (Interlocked.Exchange(ref _unreachable, 1) == 0)
        {
            Log.Unreachable(_logger, _clientName, Host, exception);
        }
    }
}
