using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Health.Internal;

/// <summary>
/// Adds one health check registration per client with status handling, once the clients are known (the names are
/// collected as <c>AddStatusHandling</c> is called, in any order with the health checks' registration).
/// </summary>
internal sealed class ClientHealthRegistrations(IOptions<StatusHandlingClients> clients, IOptions<ClientHealthSettings> settings) : IConfigureOptions<HealthCheckServiceOptions>
{
    public void Configure(HealthCheckServiceOptions options)
    {
        var tags = settings.Value.Tags;
        foreach (var name in clients.Value.Names.Order(StringComparer.Ordinal))
        {
            options.Registrations.Add(new HealthCheckRegistration(
                ClientHealthSettings.NamePrefix + name,
                services => new ClientHealthCheck(name, services),
                settings.Value.FailureStatus,
                tags));
        }
    }
}

/// <summary>What <c>AddStatusHandling()</c> on the health checks' builder was given.</summary>
internal sealed class ClientHealthSettings
{
    /// <summary>The start of each check's name, followed by the client name.</summary>
    public const string NamePrefix = "StatusAwareHttp:";

    public HealthStatus? FailureStatus { get; set; }

    public HashSet<string> Tags { get; } = new(StringComparer.Ordinal) { "statusawarehttp" };
}
