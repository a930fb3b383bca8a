using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Health.Internal;
using StatusAwareHttp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the health checks of the clients that have status handling.</summary>
public static class StatusHandlingHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds one health check per client with status handling, named <c>StatusAwareHttp:&lt;client name&gt;</c> and tagged
    /// <c>statusawarehttp</c>: its cache store (memory: healthy, with its size; SQLite: degraded while the file is
    /// bypassed or larger than its bound; distributed: degraded while its circuit is open) and its farm coordination
    /// (Redis: degraded while the instance decides alone). Clients registered before or after this call are all
    /// checked. A degraded store never fails a request: the check tells an operator what the client does without it.
    /// </summary>
    /// <param name="builder">The health checks' builder, from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="failureStatus">The status reported for a part that is unhealthy; <see langword="null"/> (the default) reports <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">More tags for the checks, beside <c>statusawarehttp</c>; <see langword="null"/> for none.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    public static IHealthChecksBuilder AddStatusHandling(this IHealthChecksBuilder builder, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.Configure<ClientHealthSettings>(settings =>
        {
            settings.FailureStatus = failureStatus;
            foreach (var tag in tags ?? [])
            {
                settings.Tags.Add(tag);
            }
        });
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HealthCheckServiceOptions>, ClientHealthRegistrations>());
        return builder;
    }
}
