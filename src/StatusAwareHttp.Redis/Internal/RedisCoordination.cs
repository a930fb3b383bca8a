using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>
/// One client's link to Redis, a keyed singleton under the client name shared by its lease and gate coordinators: the
/// connection (the registered <see cref="IConnectionMultiplexer"/>, or one made from
/// <see cref="RedisCoordinationOptions.Configuration"/>, owned and disposed here), the Polly pipelines, the names of
/// its keys and channels, and this instance's id (so that it ignores its own gate messages).
/// </summary>
internal sealed class RedisCoordination : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection;
    private readonly bool _ownsConnection;

    public RedisCoordination(string clientName, RedisCoordinationOptions options, Func<Task<IConnectionMultiplexer>> connect, bool ownsConnection, TimeProvider time, ILogger logger)
    {
        ClientName = clientName;
        Options = options;
        Time = time;
        Logger = logger;
        _ownsConnection = ownsConnection;
        _connection = new Lazy<Task<IConnectionMultiplexer>>(connect, LazyThreadSafetyMode.ExecutionAndPublication);
        var prefix = options.KeyPrefix + clientName + ":";
        LeasePrefix = prefix + "lease:";
        ReleasedChannel = RedisChannel.Literal(prefix + "released");
        GatesChannel = RedisChannel.Literal(prefix + "gates");
        Pipeline = new CoordinationPipeline(
            options,
            time,
            (operation, ex) => Log.CircuitOpened(logger, clientName, operation, options.BreakDuration, ex),
            () => Log.CircuitClosed(logger, clientName));
    }

    public string ClientName { get; }

    public RedisCoordinationOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public CoordinationPipeline Pipeline { get; }

    /// <summary>Gets this process's id in gate messages.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public string LeasePrefix { get; }

    public RedisChannel ReleasedChannel { get; }

    public RedisChannel GatesChannel { get; }

    public static RedisCoordination Create(IServiceProvider services, string clientName)
    {
        var options = services.GetRequiredService<IOptionsMonitor<RedisCoordinationOptions>>().Get(clientName);
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("StatusAwareHttp.Redis") ?? NullLogger.Instance;
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        if (options.Configuration is { } configuration)
        {
            return new RedisCoordination(clientName, options, () => ConnectAsync(configuration), ownsConnection: true, time, logger);
        }

        var shared = services.GetRequiredService<IConnectionMultiplexer>();
        return new RedisCoordination(clientName, options, () => Task.FromResult(shared), ownsConnection: false, time, logger);
    }

    /// <summary>Gets the connection (made on first use; a failed connect is tried again on the next call).</summary>
    public Task<IConnectionMultiplexer> ConnectionAsync()
    {
        var task = _connection.Value;
        return task;
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsConnection && _connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            await _connection.Value.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<IConnectionMultiplexer> ConnectAsync(string configuration)
    {
        // Never fails on a server that is down: the multiplexer keeps reconnecting, and calls fail fast meanwhile.
        var parsed = ConfigurationOptions.Parse(configuration);
        parsed.AbortOnConnectFail = false;
        parsed.BacklogPolicy = BacklogPolicy.FailFast;
        return await ConnectionMultiplexer.ConnectAsync(parsed).ConfigureAwait(false);
    }
}
