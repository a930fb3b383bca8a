using Microsoft.Extensions.Options;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// Checks the options the application steers its cache with: <see cref="StatusHandlingOptions.SensitiveHeaders"/>,
/// <see cref="CacheOptions.Rules"/> and <see cref="CacheOptions.IgnoredQueryParameters"/>, at start-up.
/// </summary>
internal sealed class CacheControlOptionsValidator : IValidateOptions<StatusHandlingOptions>
{
    /// <summary>The longest lifetime a rule may set.</summary>
    public static readonly TimeSpan MaxRuleLifetime = TimeSpan.FromDays(365);

    public ValidateOptionsResult Validate(string? name, StatusHandlingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var header in options.SensitiveHeaders)
        {
            if (!IsHeaderName(header))
            {
                failures.Add($"SensitiveHeaders holds '{header}', which is not a header name.");
            }
        }

        var cache = options.Cache;
        for (var i = 0; i < cache.Rules.Count; i++)
        {
            ValidateRule($"Cache.Rules[{i}]", cache.Rules[i], failures);
        }

        foreach (var parameter in cache.IgnoredQueryParameters)
        {
            if (string.IsNullOrEmpty(parameter) || parameter.Contains('&', StringComparison.Ordinal) || parameter.Contains('=', StringComparison.Ordinal))
            {
                failures.Add($"Cache.IgnoredQueryParameters holds '{parameter}', which is not a query parameter name.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateRule(string at, CacheRule? rule, List<string> failures)
    {
        if (rule is null)
        {
            failures.Add($"{at} is null.");
            return;
        }

        if (rule.Host is null && rule.PathPrefix is null && rule.Predicate is null)
        {
            failures.Add($"{at} matches nothing: set Host, PathPrefix or Predicate.");
        }

        if (rule.Host is { } host && (host.Length == 0 || host.Contains('/', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal) || host.Any(char.IsWhiteSpace)))
        {
            failures.Add($"{at}.Host '{host}' is not a host name (no scheme, port or path; '*.' for subdomains).");
        }

        if (rule.PathPrefix is { } prefix && !prefix.StartsWith('/'))
        {
            failures.Add($"{at}.PathPrefix '{prefix}' must start with '/'.");
        }

        if (rule.NoStore == rule.Lifetime.HasValue && (rule.NoStore || !rule.PostIsQuery))
        {
            failures.Add($"{at} must set exactly one of Lifetime and NoStore (or only PostIsQuery).");
        }

        if (rule.Lifetime is { } lifetime && (lifetime <= TimeSpan.Zero || lifetime > MaxRuleLifetime))
        {
            failures.Add($"{at}.Lifetime ({lifetime}) must be more than 0 and at most 365 days.");
        }

        if (rule.ApplyToNoStoreResponses && rule.Lifetime is null)
        {
            failures.Add($"{at}.ApplyToNoStoreResponses needs a Lifetime.");
        }
    }

    private static bool IsHeaderName(string? header) =>
        !string.IsNullOrWhiteSpace(header) && !header.Any(c => c <= ' ' || c >= 127 || c == ':');
}
