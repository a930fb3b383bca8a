using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>
/// The opt-in fail-fast of <see cref="RedisCoordinationOptions.RequireConnectionAtStartUp"/>: run with the options'
/// validation at start-up, it pings Redis over a connection of its own (closed at once; the client's own connection is
/// made in the background as always), or checks that the registered multiplexer is connected. Its message names the
/// endpoints, never the configuration string (which may carry a password).
/// </summary>
internal sealed class RedisStartupCheck(IServiceProvider services) : IValidateOptions<RedisCoordinationOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisCoordinationOptions options)
    {
        if (!options.RequireConnectionAtStartUp)
        {
            return ValidateOptionsResult.Success;
        }

        if (options.Configuration is null)
        {
            return services.GetService<IConnectionMultiplexer>() is { IsConnected: true }
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"UseRedisCoordination() on HttpClient '{name}' requires Redis at start-up (RequireConnectionAtStartUp), and the registered IConnectionMultiplexer is not connected.");
        }

        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(options.Configuration);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return ValidateOptionsResult.Success; // the range validator reports an unreadable configuration string
        }

        parsed.SetDefaultPorts();
        var host = RedisConnection.Describe(parsed.EndPoints);
        parsed.AbortOnConnectFail = true;
        try
        {
            using var probe = ConnectionMultiplexer.Connect(parsed);
            probe.GetDatabase().Ping();
            return ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return ValidateOptionsResult.Fail(
                $"UseRedisCoordination() on HttpClient '{name}' requires Redis at start-up (RequireConnectionAtStartUp), and {host} did not answer: {ex.GetType().Name}.");
        }
    }
}
