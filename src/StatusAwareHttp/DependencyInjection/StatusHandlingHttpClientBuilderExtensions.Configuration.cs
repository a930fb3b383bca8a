using Microsoft.Extensions.Configuration;
using StatusAwareHttp.Shared;
using StatusAwareHttp;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class StatusHandlingHttpClientBuilderExtensions
{
    /// <summary>
    /// Gives this client status handling, like <see cref="AddStatusHandling(IHttpClientBuilder, Action{StatusHandlingOptions}?)"/>,
    /// with its options bound from a configuration section laid out as <see cref="StatusHandlingOptions"/>
    /// (<c>Retries:MaxRetries</c>, <c>Cache:MaxEntrySize</c>, ...). A configured <c>Retries:StatusCodes</c> list replaces
    /// the default statuses instead of adding to them. Values that do not convert, or fail validation, stop the app at
    /// start-up with a message naming the setting. Of <c>Authentication</c>, only <c>Enabled</c>,
    /// <c>AllowBasicOverHttp</c> and <c>MaxChallengeResponses</c> are read: credentials and token providers are set in code.
    /// A key the options do not have (a misspelling) stops the app at start-up too, naming the key's path. Durations
    /// are written as configuration writes a <see cref="TimeSpan"/>, <c>[d.]hh:mm:ss[.fffffff]</c> (<c>"00:00:30"</c>
    /// is 30 seconds); a bare number is read as days.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="section">The section that holds the options, such as <c>configuration.GetSection("StatusHandling")</c>.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    public static IHttpClientBuilder AddStatusHandling(this IHttpClientBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);

        return builder.AddStatusHandling(options => Bind(section, options));
    }

    /// <summary>
    /// Gives this client status handling with its options bound from a configuration section, as
    /// <see cref="AddStatusHandling(IHttpClientBuilder, IConfigurationSection)"/> does, then changed by
    /// <paramref name="configure"/>, which runs after the binding (for what configuration cannot hold, such as an
    /// authenticator).
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="section">The section that holds the options.</param>
    /// <param name="configure">Changes applied after the binding.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    public static IHttpClientBuilder AddStatusHandling(this IHttpClientBuilder builder, IConfigurationSection section, Action<StatusHandlingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(configure);

        return builder.AddStatusHandling(options =>
        {
            Bind(section, options);
            configure(options);
        });
    }

    private static readonly string[] SectionKeys =
    [
        nameof(StatusHandlingOptions.Redirects), nameof(StatusHandlingOptions.Cache), nameof(StatusHandlingOptions.Retries),
        nameof(StatusHandlingOptions.Errors), nameof(StatusHandlingOptions.SensitiveHeaders), nameof(StatusHandlingOptions.Authentication),
        nameof(StatusHandlingOptions.Deprecation),
    ];

    private static readonly string[] AuthenticationKeys =
    [
        nameof(AuthenticationOptions.Enabled), nameof(AuthenticationOptions.AllowBasicOverHttp), nameof(AuthenticationOptions.MaxChallengeResponses),
    ];

    private static void Bind(IConfigurationSection section, StatusHandlingOptions options)
    {
        ConfigurationKeys.ThrowOnUnknown(section, SectionKeys);
        ConfigurationKeys.Bind(section.GetSection(nameof(StatusHandlingOptions.Redirects)), s => s.Bind(options.Redirects, ConfigurationKeys.Strict));
        ConfigurationKeys.Bind(section.GetSection(nameof(StatusHandlingOptions.Cache)), s => s.Bind(options.Cache, ConfigurationKeys.Strict));
        ConfigurationKeys.Bind(section.GetSection(nameof(StatusHandlingOptions.Errors)), s => s.Bind(options.Errors, ConfigurationKeys.Strict));
        ConfigurationKeys.Bind(section.GetSection(nameof(StatusHandlingOptions.Deprecation)), s => s.Bind(options.Deprecation, ConfigurationKeys.Strict));

        // Configured sensitive headers are added to the default ones (a list can only widen what is kept secret).
        foreach (var header in section.GetSection(nameof(StatusHandlingOptions.SensitiveHeaders)).GetChildren())
        {
            if (header.Value is { } name)
            {
                options.SensitiveHeaders.Add(name);
            }
        }

        // The binder adds a configured list to the collection it finds; start from an empty set so the list replaces
        // the default statuses.
        var retries = section.GetSection(nameof(StatusHandlingOptions.Retries));
        if (retries.GetSection(nameof(RetryOptions.StatusCodes)).GetChildren().Any())
        {
            options.Retries.StatusCodes = new HashSet<int>();
        }

        ConfigurationKeys.Bind(retries, s => s.Bind(options.Retries, ConfigurationKeys.Strict));

        // Credentials, token providers and authenticators are objects set in code; only the switches come from here.
        var authentication = section.GetSection(nameof(StatusHandlingOptions.Authentication));
        ConfigurationKeys.ThrowOnUnknown(authentication, AuthenticationKeys);
        var auth = options.Authentication;
        auth.Enabled = authentication.GetValue(nameof(AuthenticationOptions.Enabled), auth.Enabled);
        auth.AllowBasicOverHttp = authentication.GetValue(nameof(AuthenticationOptions.AllowBasicOverHttp), auth.AllowBasicOverHttp);
        auth.MaxChallengeResponses = authentication.GetValue(nameof(AuthenticationOptions.MaxChallengeResponses), auth.MaxChallengeResponses);
    }
}
