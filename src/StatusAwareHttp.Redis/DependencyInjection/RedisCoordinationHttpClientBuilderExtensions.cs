using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Redis;
using StatusAwareHttp.Redis.Internal;
using StatusAwareHttp.Shared;
using StatusAwareHttp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers farm coordination on Redis for a client made by <c>IHttpClientFactory</c>.</summary>
public static partial class RedisCoordinationHttpClientBuilderExtensions
{
    /// <summary>
    /// Coordinates this client across the instances of a farm through Redis: a storable miss takes a short lease on its
    /// key, so one instance fetches while the others wait for the entry in the shared store (use it after
    /// <c>UseDistributedHttpCache()</c>), and a 429 or 503 with <c>Retry-After</c> holds the origin on every instance.
    /// Uses the <c>IConnectionMultiplexer</c> registered in the services unless
    /// <see cref="RedisCoordinationOptions.Configuration"/> is set. Adds status handling to the client if it has none yet.
    /// </summary>
    /// <remarks>
    /// Redis never fails a request: a slow or failed call, an open circuit or a wait longer than
    /// <see cref="RedisCoordinationOptions.WaitTime"/> leaves the instance to decide alone, with a warning. Registers
    /// the client's <see cref="IHttpCacheCoordinator"/> and <see cref="IOriginGateCoordinator"/> as keyed singletons under
    /// the client name, unless some are registered already. Options are validated when the application starts.
    /// </remarks>
    /// <param name="builder">The client's builder.</param>
    /// <param name="configure">Changes to the defaults; <see langword="null"/> keeps them.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    // UseRedisCoordination(null) means "the defaults", not a null configuration section.
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public static IHttpClientBuilder UseRedisCoordination(this IHttpClientBuilder builder, Action<RedisCoordinationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddStatusHandling();
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisCoordinationOptions>, RedisCoordinationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisCoordinationOptions>, RedisConnectionValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisCoordinationOptions>, RedisStartupCheck>());
        var options = services.AddOptions<RedisCoordinationOptions>(builder.Name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddKeyedSingleton(builder.Name, static (provider, key) => RedisCoordination.Create(provider, (string)key!));
        services.TryAddKeyedSingleton(builder.Name, static (provider, key) => new RedisLeaseCoordinator(provider.GetRequiredKeyedService<RedisCoordination>(key)));
        services.TryAddKeyedSingleton(builder.Name, static (provider, key) => new RedisGateCoordinator(provider.GetRequiredKeyedService<RedisCoordination>(key)));
        services.TryAddKeyedSingleton<IHttpCacheCoordinator>(builder.Name, static (provider, key) => Enabled(provider, key).CoalesceMisses ? provider.GetRequiredKeyedService<RedisLeaseCoordinator>(key) : NoCoordination.Instance);
        services.TryAddKeyedSingleton<IOriginGateCoordinator>(builder.Name, static (provider, key) => Enabled(provider, key).ShareOriginGates ? provider.GetRequiredKeyedService<RedisGateCoordinator>(key) : NoCoordination.Instance);
        return builder;
    }

    /// <summary>
    /// Coordinates this client across a farm through the Redis server of <paramref name="configuration"/> (a
    /// StackExchange.Redis configuration string, such as <c>"redis:6379"</c>). See
    /// <see cref="UseRedisCoordination(IHttpClientBuilder, Action{RedisCoordinationOptions}?)"/>.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="configuration">The configuration string; the connection is made on first use and disposed with the services.</param>
    /// <param name="configure">Changes to the other defaults; <see langword="null"/> keeps them.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    public static IHttpClientBuilder UseRedisCoordination(this IHttpClientBuilder builder, string configuration, Action<RedisCoordinationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.UseRedisCoordination(options =>
        {
            options.Configuration = configuration;
            configure?.Invoke(options);
        });
    }

    private static RedisCoordinationOptions Enabled(IServiceProvider provider, object? key) =>
        provider.GetRequiredService<IOptionsMonitor<RedisCoordinationOptions>>().Get((string)key!);

    /// <summary>
    /// Coordinates this client across a farm through Redis, as <see cref="UseRedisCoordination(IHttpClientBuilder, Action{RedisCoordinationOptions}?)"/> does, with its options bound from a configuration section laid out as <see cref="RedisCoordinationOptions"/>
    /// (keys such as <c>Configuration</c>, <c>LeaseTime</c>). A value that does not convert, fails validation, or a key the options do not
    /// have stops the app at start-up with a message naming the setting. Durations are written as configuration
    /// writes a <see cref="TimeSpan"/>, <c>[d.]hh:mm:ss[.fffffff]</c> (<c>"00:00:05"</c> is 5 seconds).
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="section">The section that holds the options, such as <c>configuration.GetSection("RedisCoordination")</c>.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    public static IHttpClientBuilder UseRedisCoordination(this IHttpClientBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.UseRedisCoordination(options => ConfigurationKeys.Bind(section, s => s.Bind(options, ConfigurationKeys.Strict)));
    }

    /// <summary>
    /// Coordinates this client across a farm through Redis, as <see cref="UseRedisCoordination(IHttpClientBuilder, Action{RedisCoordinationOptions}?)"/> does, with its options bound from a configuration section as
    /// <see cref="UseRedisCoordination(IHttpClientBuilder, IConfigurationSection)"/> does, then changed by
    /// <paramref name="configure"/>, which runs after the binding.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="section">The section that holds the options.</param>
    /// <param name="configure">Changes applied after the binding.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    public static IHttpClientBuilder UseRedisCoordination(this IHttpClientBuilder builder, IConfigurationSection section, Action<RedisCoordinationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UseRedisCoordination(options =>
        {
            ConfigurationKeys.Bind(section, s => s.Bind(options, ConfigurationKeys.Strict));
            configure(options);
        });
    }
}
