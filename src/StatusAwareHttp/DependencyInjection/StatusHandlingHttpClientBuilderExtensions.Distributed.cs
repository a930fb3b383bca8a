using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Caching.Distributed.Internal;
using StatusAwareHttp.Shared;
using StatusAwareHttp;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class StatusHandlingHttpClientBuilderExtensions
{
    /// <summary>
    /// Keeps this client's HTTP cache in the <see cref="IDistributedCache"/> registered in DI (Redis, SQL Server, ...),
    /// shared by every instance of the app that uses the same client name, with a small in-memory front on each.
    /// Adds status handling to the client if it has none yet (as <see cref="AddStatusHandling(IHttpClientBuilder, Action{StatusAwareHttp.StatusHandlingOptions}?)"/> with the defaults).
    /// </summary>
    /// <remarks>
    /// The distributed cache never fails a request: each call to it is bounded by
    /// <see cref="DistributedHttpCacheOptions.OperationTimeout"/>, and after a failure it is bypassed for
    /// <see cref="DistributedHttpCacheOptions.BreakDuration"/>. Identical requests in flight are still shared per
    /// instance only. Registers the client's <see cref="IHttpCacheStore"/> as a keyed singleton under the client name,
    /// unless one is registered already.
    /// </remarks>
    /// <param name="builder">The client's builder.</param>
    /// <param name="configure">Changes to the defaults; <see langword="null"/> keeps them.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    // UseDistributedHttpCache(null) means "the defaults", not a null configuration section.
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public static IHttpClientBuilder UseDistributedHttpCache(this IHttpClientBuilder builder, Action<DistributedHttpCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddStatusHandling();
        var services = builder.Services;
        services.TryAddSingleton<DistributedCacheMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DistributedHttpCacheOptions>, DistributedHttpCacheOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DistributedHttpCacheOptions>, DistributedHttpCacheOptionsCrossValidator>());

        var options = services.AddOptions<DistributedHttpCacheOptions>(builder.Name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddKeyedSingleton<IHttpCacheStore>(
            builder.Name,
            static (provider, key) => DistributedHttpCacheStore.Create(provider, (string)key!));
        return builder;
    }

    /// <summary>
    /// Keeps this client's HTTP cache in the <see cref="IDistributedCache"/> registered in DI, as <see cref="UseDistributedHttpCache(IHttpClientBuilder, Action{DistributedHttpCacheOptions}?)"/> does, with its options bound from a configuration section laid out as <see cref="DistributedHttpCacheOptions"/>
    /// (keys such as <c>OperationTimeout</c>). A value that does not convert, fails validation, or a key the options do not
    /// have stops the app at start-up with a message naming the setting. Durations are written as configuration
    /// writes a <see cref="TimeSpan"/>, <c>[d.]hh:mm:ss[.fffffff]</c> (<c>"00:00:05"</c> is 5 seconds).
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="section">The section that holds the options, such as <c>configuration.GetSection("HttpCache")</c>.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    public static IHttpClientBuilder UseDistributedHttpCache(this IHttpClientBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.UseDistributedHttpCache(options => ConfigurationKeys.Bind(section, s => s.Bind(options, ConfigurationKeys.Strict)));
    }

    /// <summary>
    /// Keeps this client's HTTP cache in the <see cref="IDistributedCache"/> registered in DI, as <see cref="UseDistributedHttpCache(IHttpClientBuilder, Action{DistributedHttpCacheOptions}?)"/> does, with its options bound from a configuration section as
    /// <see cref="UseDistributedHttpCache(IHttpClientBuilder, IConfigurationSection)"/> does, then changed by
    /// <paramref name="configure"/>, which runs after the binding.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="section">The section that holds the options.</param>
    /// <param name="configure">Changes applied after the binding.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    public static IHttpClientBuilder UseDistributedHttpCache(this IHttpClientBuilder builder, IConfigurationSection section, Action<DistributedHttpCacheOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UseDistributedHttpCache(options =>
        {
            ConfigurationKeys.Bind(section, s => s.Bind(options, ConfigurationKeys.Strict));
            configure(options);
        });
    }
}
