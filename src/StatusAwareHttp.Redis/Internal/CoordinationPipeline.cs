using Polly;
using Polly.Retry;
using Polly.Timeout;
using StatusAwareHttp.Shared;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>
/// The Polly pipelines around the coordination's Redis calls, on the library's <see cref="TimeProvider"/>: every call
/// through a circuit breaker outside a timeout of <see cref="RedisCoordinationOptions.OperationTimeout"/> (half of at
/// least two calls failing within 10 seconds opens it for <see cref="RedisCoordinationOptions.BreakDuration"/>), a wait
/// for the connection being made through a timeout of <see cref="RedisCoordinationOptions.OperationTimeout"/> too, and
/// every wait for another instance's lease through a timeout of <see cref="RedisCoordinationOptions.WaitTime"/> or the
/// shorter bound the lease's record sets (<see cref="WaitBound"/>).
/// </summary>
internal sealed class CoordinationPipeline
{
    public static readonly ResiliencePropertyKey<string> Operation = new("StatusAwareHttp.Redis.Operation");

    /// <summary>The bound of one wait for a lease, when shorter than <see cref="RedisCoordinationOptions.WaitTime"/>.</summary>
    public static readonly ResiliencePropertyKey<TimeSpan> WaitBound = new("StatusAwareHttp.Redis.WaitBound");

    private readonly StoreCircuit _calls;

    public CoordinationPipeline(RedisCoordinationOptions options, TimeProvider time, Action<string, Exception?> opened, Action closed)
    {
        var breakDuration = options.BreakDuration;
        var operationTimeout = options.OperationTimeout;
        var waitTime = options.WaitTime;
        _calls = new StoreCircuit(
            "StatusAwareHttp.Redis",
            time,
            operationTimeout,
            breakDuration,
            static (exception, _) => exception is not null and not OperationCanceledException || exception is TimeoutRejectedException,
            (context, exception) => opened(context.Properties.GetValue(Operation, "call"), exception),
            closed);
        Connect = new ResiliencePipelineBuilder { TimeProvider = time, Name = "StatusAwareHttp.Redis.Connect" }
            .AddTimeout(new TimeoutStrategyOptions
            {
                Name = "StatusAwareHttp.Redis.ConnectTimeout",
                TimeoutGenerator = _ => new ValueTask<TimeSpan>(operationTimeout),
            })
            .Build();
        Wait = new ResiliencePipelineBuilder { TimeProvider = time, Name = "StatusAwareHttp.Redis.Wait" }
            .AddTimeout(new TimeoutStrategyOptions
            {
                Name = "StatusAwareHttp.Redis.WaitTimeout",
                TimeoutGenerator = args => new ValueTask<TimeSpan>(args.Context.Properties.GetValue(WaitBound, waitTime)),
            })
            .Build();
        Subscribe = new ResiliencePipelineBuilder { TimeProvider = time, Name = "StatusAwareHttp.Redis.Subscribe" }
            .AddRetry(new RetryStrategyOptions
            {
                Name = "StatusAwareHttp.Redis.Resubscribe",
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Constant,
                DelayGenerator = _ => new ValueTask<TimeSpan?>(breakDuration),
                ShouldHandle = static args => new ValueTask<bool>(
                    !args.Context.CancellationToken.IsCancellationRequested && (args.Outcome.Exception is not null || args.Outcome.Result is false)),
            })
            .Build();
    }

    /// <summary>Gets the pipeline that subscribes until it holds (an attempt answers false or throws): tried again every <see cref="RedisCoordinationOptions.BreakDuration"/>.</summary>
    /// <summary>Gets a value indicating whether the calls' circuit is closed (Redis is called; open or half-open: it is left alone).</summary>
    public bool IsClosed => _calls.IsClosed;

    public ResiliencePipeline Subscribe { get; }

    /// <summary>Gets the pipeline of one Redis call: throws <c>BrokenCircuitException</c> while the circuit is open.</summary>
    public ResiliencePipeline Calls => _calls.Pipeline;

    /// <summary>Gets the pipeline of one wait for the connection being made: throws <see cref="TimeoutRejectedException"/> past the operation timeout.</summary>
    public ResiliencePipeline Connect { get; }

    /// <summary>
    /// Gets the pipeline of one wait for another instance's lease: throws <see cref="TimeoutRejectedException"/> past the
    /// wait time, or past the context's <see cref="WaitBound"/> when it has one.
    /// </summary>
    public ResiliencePipeline Wait { get; }

    /// <summary>Runs one Redis call, named for the logs; the callback must stop waiting when its token is cancelled.</summary>
    public async ValueTask<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(Operation, operation);
        try
        {
            return await Calls.ExecuteAsync(
                static async (ctx, call) => await call(ctx.CancellationToken).ConfigureAwait(false),
                context,
                call).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
