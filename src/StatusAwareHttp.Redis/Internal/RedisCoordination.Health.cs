using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>
/// The link's health: healthy while connected with its circuit closed; degraded while the instance decides alone
/// (connecting, unreachable, or the circuit open after failed calls), which never fails a request.
/// </summary>
internal sealed partial class RedisCoordination : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var trouble = Connection.Trouble();
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["host"] = Connection.Host,
            ["connected"] = trouble is null,
            ["circuit"] = Pipeline.IsClosed ? "closed" : "open",
        };
        if (trouble is not null)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"Redis coordination: {trouble}; this instance decides alone meanwhile", data: data));
        }

        return Task.FromResult(Pipeline.IsClosed
            ? HealthCheckResult.Healthy($"Redis coordination: connected to {Connection.Host}", data)
            : HealthCheckResult.Degraded($"Redis coordination: calls failed (circuit open, tried again after {Options.BreakDuration}); this instance decides alone meanwhile", data: data));
    }
}
