using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace StatusAwareHttp.Shared;

/// <summary>
/// The Polly pipeline around every call to a store (the distributed cache, Redis, the SQLite file): a circuit breaker,
/// outside a timeout where the store's calls can hang on a network (not for the SQLite file, whose calls are
/// synchronous file I/O), on the library's <see cref="TimeProvider"/>. The circuit opens when, within
/// <see cref="SamplingDuration"/>, at least <see cref="MinimumThroughput"/> calls were made and at least
/// <see cref="FailureRatio"/> of them failed; it then rejects calls for the break, after which one call probes the store.
/// So one lone failure does not turn the store off, and two in a row do. The break and the timeout are given through
/// Polly's generators, so that the library's own ranges apply (Polly's option validation starts at 500 ms and 10 ms).
/// </summary>
internal sealed class StoreCircuit
{
    /// <summary>The least calls in <see cref="SamplingDuration"/> before failures can open the circuit.</summary>
    public const int MinimumThroughput = 2;

    /// <summary>The share of failed calls that opens the circuit.</summary>
    public const double FailureRatio = 0.5;

    /// <summary>The window over which calls and failures are counted.</summary>
    public static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(10);

    private readonly CircuitBreakerStateProvider _state = new();

    /// <param name="name">The pipeline's name in Polly's telemetry (its strategies are named after it).</param>
    /// <param name="time">The library's clock.</param>
    /// <param name="operationTimeout">How long one call may take; <see langword="null"/> for no timeout (synchronous calls Polly cannot stop).</param>
    /// <param name="breakDuration">How long the store is left alone once the circuit opened.</param>
    /// <param name="isFailure">Whether a call's exception counts against the store, given the call's own token.</param>
    /// <param name="opened">Told when the circuit opens, with the call's context and the exception that opened it.</param>
    /// <param name="closed">Told when the circuit closes again.</param>
    public StoreCircuit(
        string name,
        TimeProvider time,
        TimeSpan? operationTimeout,
        TimeSpan breakDuration,
        Func<Exception?, CancellationToken, bool> isFailure,
        Action<ResilienceContext, Exception?> opened,
        Action closed)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time, Name = name }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                Name = name + ".Circuit",
                FailureRatio = FailureRatio,
                MinimumThroughput = MinimumThroughput,
                SamplingDuration = SamplingDuration,
                BreakDurationGenerator = _ => new ValueTask<TimeSpan>(breakDuration),
                ShouldHandle = args => new ValueTask<bool>(isFailure(args.Outcome.Exception, args.Context.CancellationToken)),
                StateProvider = _state,
                OnOpened = args =>
                {
                    opened(args.Context, args.Outcome.Exception);
                    return default;
                },
                OnClosed = _ =>
                {
                    closed();
                    return default;
                },
            });
        if (operationTimeout is { } timeout)
        {
            builder.AddTimeout(new TimeoutStrategyOptions
            {
                Name = name + ".Timeout",
                TimeoutGenerator = _ => new ValueTask<TimeSpan>(timeout),
            });
        }

        Pipeline = builder.Build();
    }

    /// <summary>Gets the pipeline: calls through it throw <see cref="BrokenCircuitException"/> while the circuit is open.</summary>
    public ResiliencePipeline Pipeline { get; }

    /// <summary>Gets a value indicating whether the circuit is closed (the store is called; open or half-open: it is left alone).</summary>
    public bool IsClosed => _state.CircuitState == CircuitState.Closed;
}
