using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>Checks at start-up that a client without <see cref="RedisCoordinationOptions.Configuration"/> finds an <see cref="IConnectionMultiplexer"/> in the services.</summary>
internal sealed class RedisConnectionValidator(IServiceProvider services) : IValidateOptions<RedisCoordinationOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisCoordinationOptions options)
    {
        if (options.Configuration is not null || services.GetService<IServiceProviderIsService>() is not { } isService || isService.IsService(typeof(IConnectionMultiplexer)))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(
            $"UseRedisCoordination() on HttpClient '{name}' needs an IConnectionMultiplexer in the services: register one, or give a configuration string (UseRedisCoordination(\"host:6379\")).");
    }
}
