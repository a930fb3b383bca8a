using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>The memory store's health: always healthy (it cannot fail), with its size against its limit.</summary>
internal sealed partial class MemoryHttpCacheStore : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy("the memory store is in use", new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["store"] = "memory",
            ["bytes"] = CurrentSize,
            ["maxBytes"] = _sizeLimit,
            ["keys"] = Count,
        }));
}
