using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>The distributed store's health: in use while its circuit is closed, degraded while it is bypassed.</summary>
internal sealed partial class DistributedHttpCacheStore : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["store"] = "distributed",
            ["circuit"] = IsAvailable ? "closed" : "open",
            ["pendingRemovals"] = PendingRemovals,
        };

        // Bypassed, the app still works: the in-memory front and the origin answer, each instance on its own.
        return Task.FromResult(IsAvailable
            ? HealthCheckResult.Healthy("the distributed cache is in use", data)
            : HealthCheckResult.Degraded($"the distributed cache is bypassed after failures (circuit open, tried again after {_breakDuration})", data: data));
    }
}
