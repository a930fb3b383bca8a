using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>
/// One client's link to Redis, a keyed singleton under the client name shared by its lease and gate coordinators: the
/// connection (the registered <see cref="IConnectionMultiplexer"/>, or one made from
/// <see cref="RedisCoordinationOptions.Configuration"/>, owned and closed here), the Polly pipelines, the names of
/// its keys and channels, and this instance's id (so that it ignores its own gate messages). Disposed synchronously or
/// not, any number of times (the container disposes it once per registration that returns it); never throws.
/// </summary>
internal sealed partial class RedisCoordination : IAsyncDisposable, IDisposable
{
    public RedisCoordination(string clientName, RedisCoordinationOptions options, Func<Task<IConnectionMultiplexer>> connect, bool ownsConnection, string host, TimeProvider time, ILogger logger)
    {
        ClientName = clientName;
        Options = options;
        Time = time;
        Logger = logger;
        var prefix = options.KeyPrefix + clientName + ":";
        LeasePrefix = prefix + "lease:";
        ReleasedChannel = RedisChannel.Literal(prefix + "released");
        GatesChannel = RedisChannel.Literal(prefix + "gates");
        Pipeline = new CoordinationPipeline(
            options,
            time,
            (operation, ex) => Log.CircuitOpened(logger, clientName, operation, options.BreakDuration, ex),
            () => Log.CircuitClosed(logger, clientName));
        Connection = new RedisConnection(clientName, host, connect, ownsConnection, Pipeline, logger);
    }

    public string ClientName { get; }

    public RedisCoordinationOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public CoordinationPipeline Pipeline { get; }

    /// <summary>Gets the connection: <see cref="RedisConnection.GetAsync"/> never holds a caller past the operation timeout.</summary>
    public RedisConnection Connection { get; }

    /// <summary>Gets this process's id in gate messages.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public string LeasePrefix { get; }

    public RedisChannel ReleasedChannel { get; }

    public RedisChannel GatesChannel { get; }

    /// <summary>Makes the client's coordination and starts connecting at once, in the background.</summary>
    public static RedisCoordination Create(IServiceProvider services, string clientName)
    {
        var options = services.GetRequiredService<IOptionsMonitor<RedisCoordinationOptions>>().Get(clientName);
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("StatusAwareHttp.Redis") ?? NullLogger.Instance;
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        RedisCoordination coordination;
        if (options.Configuration is { } configuration)
        {
            var parsed = ConfigurationOptions.Parse(configuration);
            parsed.SetDefaultPorts();
            coordination = new RedisCoordination(clientName, options, () => ConnectAsync(configuration), ownsConnection: true, RedisConnection.Describe(parsed.EndPoints), time, logger);
        }
        else
        {
            var shared = services.GetRequiredService<IConnectionMultiplexer>();
            coordination = new RedisCoordination(clientName, options, () => Task.FromResult(shared), ownsConnection: false, RedisConnection.Describe(shared.GetEndPoints()), time, logger);
        }

        coordination.Connection.Start();
        return coordination;
    }

    public void Dispose() => Connection.Dispose();

    public ValueTask DisposeAsync()
    {
        Connection.Dispose();
        return default;
    }

    /// <summary>
    /// Connects (run on the thread pool by <see cref="RedisConnection.Start"/>). Never fails on a server that is down: it
    /// ends after the multiplexer's connect timeout, the multiplexer keeps reconnecting, and calls fail fast meanwhile.
    /// </summary>
    private static async Task<IConnectionMultiplexer> ConnectAsync(string configuration)
    {
        var parsed = ConfigurationOptions.Parse(configuration);
        parsed.AbortOnConnectFail = false;
        parsed.BacklogPolicy = BacklogPolicy.FailFast;
        return await ConnectionMultiplexer.ConnectAsync(parsed).ConfigureAwait(false);
    }
}
