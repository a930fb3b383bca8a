using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Sqlite;
using StatusAwareHttp.Sqlite.Internal;
using StatusAwareHttp.Shared;
using StatusAwareHttp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a persistent HTTP cache in a SQLite file for a client made by <c>IHttpClientFactory</c>.</summary>
public static class SqliteHttpCacheHttpClientBuilderExtensions
{
    /// <summary>
    /// Keeps this client's HTTP cache in a SQLite file at the per-user default path (<c>http-cache.db</c> in a folder
    /// named after the entry assembly under <see cref="Environment.SpecialFolder.LocalApplicationData"/>; the path is
    /// logged when the store is made), so stored responses survive restarts and are shared by the app's processes.
    /// Adds status handling to the client if it has none yet (as <c>AddStatusHandling</c> with the defaults).
    /// </summary>
    /// <remarks>
    /// The file never fails a request: a damaged file is moved aside and made anew, a read-only or full disk bypasses it
    /// for <see cref="SqliteHttpCacheOptions.BypassDuration"/>, each with a warning. Registers the client's
    /// <see cref="IHttpCacheStore"/> as a keyed singleton under the client name, unless one is registered already.
    /// </remarks>
    /// <param name="builder">The client's builder.</param>
    /// <param name="configure">Changes to the defaults (<see cref="SqliteHttpCacheOptions.Path"/> among them); <see langword="null"/> keeps them.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    // UseSqliteHttpCache(null) means "the defaults", not a null configuration section.
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public static IHttpClientBuilder UseSqliteHttpCache(this IHttpClientBuilder builder, Action<SqliteHttpCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddStatusHandling();
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteHttpCacheOptions>, SqliteHttpCacheOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteHttpCacheOptions>, SqliteStartupCheck>());
        var options = services.AddOptions<SqliteHttpCacheOptions>(builder.Name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddKeyedSingleton<IHttpCacheStore>(
            builder.Name,
            static (provider, key) => SqliteHttpCacheStore.Create(provider, (string)key!));
        return builder;
    }

    /// <summary>
    /// Keeps this client's HTTP cache in the SQLite file at <paramref name="path"/> (made when missing, readable by the
    /// current user only), so stored responses survive restarts and are shared by the processes that use the file.
    /// Adds status handling to the client if it has none yet. See <see cref="UseSqliteHttpCache(IHttpClientBuilder, Action{SqliteHttpCacheOptions}?)"/>.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="path">The file's path (relative paths are from the current folder).</param>
    /// <param name="configure">Changes to the other defaults; <see langword="null"/> keeps them.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    public static IHttpClientBuilder UseSqliteHttpCache(this IHttpClientBuilder builder, string path, Action<SqliteHttpCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return builder.UseSqliteHttpCache(options =>
        {
            options.Path = path;
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Keeps this client's HTTP cache in a SQLite file, as <see cref="UseSqliteHttpCache(IHttpClientBuilder, Action{SqliteHttpCacheOptions}?)"/> does, with its options bound from a configuration section laid out as <see cref="SqliteHttpCacheOptions"/>
    /// (keys such as <c>Path</c>, <c>MaxTotalBytes</c>). A value that does not convert, fails validation, or a key the options do not
    /// have stops the app at start-up with a message naming the setting. Durations are written as configuration
    /// writes a <see cref="TimeSpan"/>, <c>[d.]hh:mm:ss[.fffffff]</c> (<c>"00:00:05"</c> is 5 seconds).
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="section">The section that holds the options, such as <c>configuration.GetSection("HttpCache")</c>.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    public static IHttpClientBuilder UseSqliteHttpCache(this IHttpClientBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.UseSqliteHttpCache(options => ConfigurationKeys.Bind(section, s => s.Bind(options, ConfigurationKeys.Strict)));
    }

    /// <summary>
    /// Keeps this client's HTTP cache in a SQLite file, as <see cref="UseSqliteHttpCache(IHttpClientBuilder, Action{SqliteHttpCacheOptions}?)"/> does, with its options bound from a configuration section as
    /// <see cref="UseSqliteHttpCache(IHttpClientBuilder, IConfigurationSection)"/> does, then changed by
    /// <paramref name="configure"/>, which runs after the binding.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="section">The section that holds the options.</param>
    /// <param name="configure">Changes applied after the binding.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    public static IHttpClientBuilder UseSqliteHttpCache(this IHttpClientBuilder builder, IConfigurationSection section, Action<SqliteHttpCacheOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UseSqliteHttpCache(options =>
        {
            ConfigurationKeys.Bind(section, s => s.Bind(options, ConfigurationKeys.Strict));
            configure(options);
        });
    }
}
