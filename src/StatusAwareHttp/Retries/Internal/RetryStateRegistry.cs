using System.Collections.Concurrent;

namespace StatusAwareHttp.Retries.Internal;

/// <summary>The state one client's retries share across requests and across handler rebuilds.</summary>
internal sealed class ClientRetryState(RetryOptions options)
{
    public OriginGate Gate { get; } = new();

    public RetryBudget Budget { get; } = new(options.BudgetSize, options.BudgetRatio);
}

/// <summary>
/// A DI singleton holding each client's <see cref="ClientRetryState"/> by client name. IHttpClientFactory rebuilds a
/// client's handlers every few minutes; the gates and the budget must outlive them, so they live here.
/// </summary>
internal sealed class RetryStateRegistry
{
    private readonly ConcurrentDictionary<string, ClientRetryState> _clients = new(StringComparer.Ordinal);

    /// <summary>Gets the client's state, made on first use, with <paramref name="options"/> applied to its budget.</summary>
    public ClientRetryState Get(string clientName, RetryOptions options)
    {
        var state = _clients.GetOrAdd(clientName, static (_, o) => new ClientRetryState(o), options);
        state.Budget.Configure(options.BudgetSize, options.BudgetRatio);
        return state;
    }
}
