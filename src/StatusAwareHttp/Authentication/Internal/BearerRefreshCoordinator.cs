using System.Runtime.CompilerServices;

namespace StatusAwareHttp.Authentication.Internal;

/// <summary>
/// Refreshes each provider's token once for all the requests refused with the same token (single flight): a request
/// that arrives while a refresh of its token runs waits for it; one that arrives after it finished uses its result.
/// A keyed singleton under the client name, so it outlives the handler chains IHttpClientFactory rebuilds.
/// </summary>
internal sealed class BearerRefreshCoordinator
{
    private readonly ConditionalWeakTable<IBearerTokenProvider, Flight> _flights = [];
    private readonly AuthenticationMetrics _metrics;

    public BearerRefreshCoordinator(AuthenticationMetrics metrics)
    {
        _metrics = metrics;
    }

    public Task<string?> RefreshAsync(IBearerTokenProvider provider, string? rejectedToken, CancellationToken cancellationToken)
    {
        var flight = _flights.GetValue(provider, static _ => new Flight());
        Task<string?> task;
        lock (flight)
        {
            var reusable = flight.Task is { } running
                && string.Equals(flight.RejectedToken, rejectedToken, StringComparison.Ordinal)
                && (!running.IsCompleted || running.IsCompletedSuccessfully);
            if (!reusable)
            {
                flight.RejectedToken = rejectedToken;
                flight.Task = RunAsync(provider, rejectedToken);
            }

            task = flight.Task!;
        }

        // Each waiter may give up on its own; the shared refresh goes on for the others.
        return task.WaitAsync(cancellationToken);
    }

    private async Task<string?> RunAsync(IBearerTokenProvider provider, string? rejectedToken)
    {
        // Yield first, so the lock is never held while the provider runs.
        await Task.Yield();
        _metrics.TokenRefreshed();
        return await provider.RefreshTokenAsync(rejectedToken, CancellationToken.None).ConfigureAwait(false);
    }

    private sealed class Flight
    {
        public string? RejectedToken { get; set; }

        public Task<string?>? Task { get; set; }
    }
}
