namespace StatusAwareHttp.Retries.Internal;

/// <summary>
/// The state one client's retries share across requests and across handler rebuilds, a keyed singleton under the
/// client name: IHttpClientFactory rebuilds a client's handlers every few minutes; the gates and the budget outlive them.
/// </summary>
internal sealed class ClientRetryState(RetryOptions options)
{
    public OriginGate Gate { get; } = new();

    public RetryBudget Budget { get; } = new(options.BudgetSize, options.BudgetRatio);

    /// <summary>Gets the quotas the client's origins announced (RateLimit fields), beside the gates.</summary>
    public RateLimit.QuotaTracker Quotas { get; } = new();

    /// <summary>Gets the origins whose malformed RateLimit fields were logged already (once each).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, bool> MalformedRateLimitOrigins { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the farm's gate coordinator the closed gates are published to, if any (<see cref="FarmGateLink"/>).</summary>
    public IOriginGateCoordinator? Farm { get; set; }

    /// <summary>Applies <paramref name="current"/> (the options a handler is built with) to the budget; returns this state.</summary>
    public ClientRetryState Configure(RetryOptions current)
    {
        Budget.Configure(current.BudgetSize, current.BudgetRatio);
        return this;
    }
}
