using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>Checks every named <see cref="RedisCoordinationOptions"/> against its documented ranges.</summary>
internal sealed class RedisCoordinationOptionsValidator : IValidateOptions<RedisCoordinationOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisCoordinationOptions options)
    {
        var failures = new List<string>();
        Range(failures, name, nameof(options.LeaseTime), options.LeaseTime, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Range(failures, name, nameof(options.WaitTime), options.WaitTime, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Range(failures, name, nameof(options.PollInterval), options.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10));
        Range(failures, name, nameof(options.OperationTimeout), options.OperationTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(30));
        Range(failures, name, nameof(options.BreakDuration), options.BreakDuration, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Length > 100)
        {
            failures.Add($"RedisCoordination.KeyPrefix of HttpClient '{name}' must have 1 to 100 characters.");
        }

        if (options.Configuration is { } configuration && string.IsNullOrWhiteSpace(configuration))
        {
            failures.Add($"RedisCoordination.Configuration of HttpClient '{name}' is blank: give a configuration string, or null to use the registered IConnectionMultiplexer.");
        }
        else if (options.Configuration is { } text && Unreadable(text) is { } reason)
        {
            failures.Add($"RedisCoordination.Configuration of HttpClient '{name}' cannot be used: {reason}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Why StackExchange.Redis cannot use the configuration string (never quoting it: it may carry a password).</summary>
    private static string? Unreadable(string configuration)
    {
        try
        {
            return ConfigurationOptions.Parse(configuration).EndPoints.Count == 0 ? "it names no server (host:port)." : null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return ex.Message;
        }
    }

    private static void Range(List<string> failures, string? name, string option, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"RedisCoordination.{option} of HttpClient '{name}' is {value}; it must be between {min} and {max}.");
        }
    }
}
