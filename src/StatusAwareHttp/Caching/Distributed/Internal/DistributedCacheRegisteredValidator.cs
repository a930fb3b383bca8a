using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>Fails at start-up, rather than at the first request, when no <see cref="IDistributedCache"/> is registered.</summary>
internal sealed class DistributedCacheRegisteredValidator : IValidateOptions<DistributedHttpCacheOptions>
{
    private readonly IServiceProvider _services;

    public DistributedCacheRegisteredValidator(IServiceProvider services)
    {
        _services = services;
    }

    public ValidateOptionsResult Validate(string? name, DistributedHttpCacheOptions options)
    {
        // Containers that cannot say what they hold are trusted.
        var isService = _services.GetService<IServiceProviderIsService>();
        return isService is null || isService.IsService(typeof(IDistributedCache))
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"UseDistributedHttpCache() on HttpClient '{name}' needs an IDistributedCache in the services: register one, "
                + "for example services.AddStackExchangeRedisCache(o => o.Configuration = \"localhost:6379\").");
    }
}
