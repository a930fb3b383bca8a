using Microsoft.Extensions.Options;

namespace StatusAwareHttp.Internal;

/// <summary>Checks the rules that span several fields or sections of <see cref="StatusHandlingOptions"/>.</summary>
internal sealed class StatusHandlingOptionsCrossValidator : IValidateOptions<StatusHandlingOptions>
{
    public ValidateOptionsResult Validate(string? name, StatusHandlingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        foreach (var status in options.Retries.StatusCodes)
        {
            if (status is < 400 or > 599)
            {
                failures.Add($"Retries.StatusCodes holds {status}; only 4xx and 5xx responses can be retried.");
            }
        }

        var authentication = options.Authentication;
        var responders = (authentication.Credentials is null ? 0 : 1) + (authentication.BearerTokenProvider is null ? 0 : 1) + (authentication.Authenticator is null ? 0 : 1);
        if (responders > 1)
        {
            failures.Add("Authentication: set only one of Credentials, BearerTokenProvider and Authenticator (each answers every 401 its own way).");
        }

        if (authentication.Credentials is { } credentials && string.IsNullOrEmpty(credentials.UserName))
        {
            failures.Add("Authentication.Credentials has no user name.");
        }

        if (options.Cache.MaxEntryBytes > options.Cache.MaxTotalBytes)
        {
            failures.Add($"Cache.MaxEntryBytes ({options.Cache.MaxEntryBytes}) is larger than Cache.MaxTotalBytes ({options.Cache.MaxTotalBytes}).");
        }

        if (options.Cache.CacheName is { } cacheName && (cacheName.Length is 0 or > 100 || cacheName.Any(c => c is < ' ' or > '~')))
        {
            failures.Add("Cache.CacheName must be 1 to 100 printable ASCII characters (it is written into the Cache-Status header).");
        }

        if (options.Cache.MaxHeuristicFreshness < TimeSpan.Zero || options.Cache.MaxHeuristicFreshness > TimeSpan.FromDays(365))
        {
            failures.Add($"Cache.MaxHeuristicFreshness ({options.Cache.MaxHeuristicFreshness}) must be between 0 and 365 days.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
