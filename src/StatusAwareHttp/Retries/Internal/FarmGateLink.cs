using Microsoft.Extensions.DependencyInjection;

namespace StatusAwareHttp.Retries.Internal;

/// <summary>
/// Links a client's <see cref="ClientRetryState"/> to the client's <see cref="IOriginGateCoordinator"/> (a keyed
/// service under the client name), when one is registered: the gates the other instances publish close the local
/// gate, and the retry handler publishes the ones it closes (<see cref="ClientRetryState.Farm"/>).
/// </summary>
internal static class FarmGateLink
{
    public static ClientRetryState Attach(ClientRetryState state, IServiceProvider services, string clientName)
    {
        if (services.GetKeyedService<IOriginGateCoordinator>(clientName) is not { } coordinator)
        {
            return state;
        }

        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var gate = state.Gate;
        coordinator.Subscribe((origin, hold, status) => gate.Close(origin, time.GetUtcNow() + hold, overCap: false, status));
        state.Farm = coordinator;
        return state;
    }
}
