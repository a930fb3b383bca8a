using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>
/// The Polly pipeline around every call to the distributed cache: a circuit breaker outside a timeout, on the
/// library's <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// <para>
/// The timeout gives up a call after <see cref="DistributedHttpCacheOptions.OperationTimeout"/> (the callback must stop
/// waiting when its token is cancelled: Polly's timeout is cooperative). The circuit opens when, within
/// <see cref="SamplingDuration"/>, at least <see cref="MinimumThroughput"/> calls were made and at least half of them
/// failed (an error or a timeout, not the caller's own cancellation); it then rejects calls for
/// <see cref="DistributedHttpCacheOptions.BreakDuration"/>, after which one call probes the store while the others are
/// still rejected: its success closes the circuit, its failure opens it for another break. So one lone failure does
/// not turn the shared cache off, and two in a row do.
/// </para>
/// <para>
/// The break is given through Polly's break-duration generator, the timeout through its timeout generator, so that
/// the library's own ranges apply (Polly's option validation starts at 500 ms and 10 ms).
/// </para>
/// </remarks>
internal sealed class StorePipeline
{
    /// <summary>The least calls in <see cref="SamplingDuration"/> before failures can open the circuit.</summary>
    public const int MinimumThroughput = 2;

    /// <summary>The share of failed calls that opens the circuit.</summary>
    public const double FailureRatio = 0.5;

    /// <summary>The window over which calls and failures are counted.</summary>
    public static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(10);

    /// <summary>The name of the operation (get, set, remove) of a call, for the logs.</summary>
    public static readonly ResiliencePropertyKey<string> Operation = new("StatusAwareHttp.DistributedCache.Operation");

    private readonly CircuitBreakerStateProvider _state = new();

    public StorePipeline(
        TimeProvider time,
        TimeSpan operationTimeout,
        TimeSpan breakDuration,
        Action<string, Exception?> opened,
        Action closed)
    {
        var breakerOptions = new CircuitBreakerStrategyOptions
        {
            Name = "StatusAwareHttp.DistributedCache.Circuit",
            FailureRatio = FailureRatio,
            MinimumThroughput = MinimumThroughput,
            SamplingDuration = SamplingDuration,
            BreakDurationGenerator = _ => new ValueTask<TimeSpan>(breakDuration),
            ShouldHandle = static args => new ValueTask<bool>(IsFailure(args.Outcome.Exception, args.Context.CancellationToken)),
            StateProvider = _state,
            OnOpened = args =>
            {
                opened(args.Context.Properties.GetValue(Operation, "call"), args.Outcome.Exception);
                return default;
            },
            OnClosed = _ =>
            {
                closed();
                return default;
            },
        };

        Pipeline = new ResiliencePipelineBuilder { TimeProvider = time, Name = "StatusAwareHttp.DistributedCache" }
            .AddCircuitBreaker(breakerOptions)
            .AddTimeout(new TimeoutStrategyOptions
            {
                Name = "StatusAwareHttp.DistributedCache.Timeout",
                TimeoutGenerator = _ => new ValueTask<TimeSpan>(operationTimeout),
            })
            .Build();
    }

    /// <summary>Gets the pipeline: calls through it throw <see cref="BrokenCircuitException"/> while the circuit is open.</summary>
    public ResiliencePipeline Pipeline { get; }

    /// <summary>Gets a value indicating whether the circuit is closed (the store is in use).</summary>
    public bool IsClosed => _state.CircuitState == CircuitState.Closed;

    /// <summary>Whether an outcome counts against the store: any exception but the caller's own cancellation.</summary>
    public static bool IsFailure(Exception? exception, CancellationToken callerToken) =>
        exception is not null && !(exception is OperationCanceledException && callerToken.IsCancellationRequested);

    /// <summary>Whether a failure was the timeout's.</summary>
    public static bool IsTimeout(Exception? exception) => exception is TimeoutRejectedException;
}
