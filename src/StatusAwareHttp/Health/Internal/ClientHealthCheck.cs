using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Health.Internal;

/// <summary>
/// One client's health: the worst of its parts that report one (each an <see cref="IHealthCheck"/>: the cache store
/// in use, and the farm coordinators), their descriptions joined and their data under the part's name. A part that
/// throws counts as unhealthy with its exception; a client whose cache is off has only its coordinators to report.
/// </summary>
internal sealed class ClientHealthCheck(string clientName, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = HealthStatus.Healthy;
        var descriptions = new List<string>();
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["client"] = clientName };
        Exception? failure = null;
        foreach (var (part, check) in Parts())
        {
            HealthCheckResult result;
            try
            {
                result = await check.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                result = HealthCheckResult.Unhealthy($"its check failed: {ex.Message}", ex);
            }

            status = result.Status < status ? result.Status : status;
            failure ??= result.Exception;
            descriptions.Add($"{part}: {result.Description}");
            foreach (var (key, value) in result.Data)
            {
                data[part + "." + key] = value;
            }
        }

        // An unhealthy part is reported with the status the registration asks for failures (Unhealthy by default).
        if (status == HealthStatus.Unhealthy)
        {
            status = context.Registration.FailureStatus;
        }

        return new HealthCheckResult(status, descriptions.Count == 0 ? "nothing to check" : string.Join("; ", descriptions), failure, data);
    }

    private List<(string Part, IHealthCheck Check)> Parts()
    {
        var parts = new List<(string, IHealthCheck)>();
        if (services.GetKeyedService<ClientCache>(clientName)?.Store is IHealthCheck store)
        {
            parts.Add(("store", store));
        }

        // The farm coordinators (leases and gates) share one link: the first of them that reports health speaks for it.
        if ((services.GetKeyedService<IHttpCacheCoordinator>(clientName) as IHealthCheck ?? services.GetKeyedService<IOriginGateCoordinator>(clientName) as IHealthCheck) is { } coordination)
        {
            parts.Add(("coordination", coordination));
        }

        return parts;
    }
}
