using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>
/// Checks what data annotations cannot say without reflection (the <see cref="TimeSpan"/> ranges, the prefix), and
/// fails at start-up, rather than at the first request, when no <see cref="IDistributedCache"/> is registered.
/// </summary>
internal sealed class DistributedHttpCacheOptionsCrossValidator : IValidateOptions<DistributedHttpCacheOptions>
{
    private readonly IServiceProvider _services;

    public DistributedHttpCacheOptionsCrossValidator(IServiceProvider services)
    {
        _services = services;
    }

    public ValidateOptionsResult Validate(string? name, DistributedHttpCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(failures, nameof(options.OperationTimeout), options.OperationTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(30));
        Check(failures, nameof(options.ConnectTimeout), options.ConnectTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Check(failures, nameof(options.BreakDuration), options.BreakDuration, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        Check(failures, nameof(options.MemoryFrontLifetime), options.MemoryFrontLifetime, TimeSpan.Zero, TimeSpan.FromHours(1));
        Check(failures, nameof(options.MaxTimeToLive), options.MaxTimeToLive, TimeSpan.FromSeconds(1), TimeSpan.FromDays(365));
        if (options.KeyPrefix is { Length: 0 or > 200 })
        {
            failures.Add($"KeyPrefix must have 1 to 200 characters; it has {options.KeyPrefix.Length}.");
        }

        // Containers that cannot say what they hold are trusted.
        var isService = _services.GetService<IServiceProviderIsService>();
        if (isService is not null && !isService.IsService(typeof(IDistributedCache)))
        {
            failures.Add(
                $"UseDistributedHttpCache() on HttpClient '{name}' needs an IDistributedCache in the services: register one, "
                + "for example services.AddStackExchangeRedisCache(o => o.Configuration = \"localhost:6379\").");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{name} must be from {min} to {max}; it is {value}.");
        }
    }
}
