using Polly;
using Polly.Timeout;
using StatusAwareHttp.Shared;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>
/// The Polly pipeline around every call to the distributed cache: the shared store circuit (<see cref="StoreCircuit"/>,
/// a circuit breaker outside a timeout) with the distributed cache's failures: any exception but the caller's own
/// cancellation.
/// </summary>
/// <remarks>
/// The timeout gives up a call after <see cref="DistributedHttpCacheOptions.OperationTimeout"/> (the callback must stop
/// waiting when its token is cancelled: Polly's timeout is cooperative); the circuit rejects calls for
/// <see cref="DistributedHttpCacheOptions.BreakDuration"/> once half of at least two calls in 10 seconds failed.
/// </remarks>
internal sealed class StorePipeline
{
    /// <summary>The name of the operation (get, set, remove) of a call, for the logs.</summary>
    public static readonly ResiliencePropertyKey<string> Operation = new("StatusAwareHttp.DistributedCache.Operation");

    private readonly StoreCircuit _circuit;

    public StorePipeline(
        TimeProvider time,
        TimeSpan operationTimeout,
        TimeSpan breakDuration,
        Action<string, Exception?> opened,
        Action closed) =>
        _circuit = new StoreCircuit(
            "StatusAwareHttp.DistributedCache",
            time,
            operationTimeout,
            breakDuration,
            IsFailure,
            (context, exception) => opened(context.Properties.GetValue(Operation, "call"), exception),
            closed);

    /// <summary>Gets the pipeline: calls through it throw <c>BrokenCircuitException</c> while the circuit is open.</summary>
    public ResiliencePipeline Pipeline => _circuit.Pipeline;

    /// <summary>Gets a value indicating whether the circuit is closed (the store is in use).</summary>
    public bool IsClosed => _circuit.IsClosed;

    /// <summary>Whether an outcome counts against the store: any exception but the caller's own cancellation.</summary>
    public static bool IsFailure(Exception? exception, CancellationToken callerToken) =>
        exception is not null && !(exception is OperationCanceledException && callerToken.IsCancellationRequested);

    /// <summary>Whether a failure was the timeout's.</summary>
    public static bool IsTimeout(Exception? exception) => exception is TimeoutRejectedException;
}
