using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Retries.Internal.RateLimit;

namespace StatusAwareHttp.Retries.Internal;

/// <summary>
/// Retries transient failures by the rules of <see cref="RetryPolicy"/> on a Polly <see cref="ResiliencePipeline{T}"/>
/// (its loop, exponential backoff and jitter; <c>Retry-After</c> through its delay generator; time from the
/// <see cref="TimeProvider"/> of DI). Around it, per client: the per-origin gate and the retry budget.
/// </summary>
/// <remarks>
/// The first attempt is sent here, outside Polly: when its outcome is not worth a retry (the common case) the
/// response goes back with no pipeline run and no allocation of our own. Otherwise the pipeline runs, its first
/// callback hands it that outcome, and Polly decides, waits and sends the next attempts.
/// </remarks>
internal sealed partial class RetryHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<Exchange> s_exchangeKey = new("StatusAwareHttp.Retries.Exchange");

    private static readonly Func<ResilienceContext, Exchange, ValueTask<Outcome<HttpResponseMessage>>> s_attempt =
        static (context, exchange) => exchange.Handler.AttemptAsync(context, exchange);

    /// <summary>The synchronous pipeline's callback: the same attempt, its exception thrown for Polly to catch.</summary>
    private static readonly Func<ResilienceContext, Exchange, HttpResponseMessage> s_attemptSync =
        static (context, exchange) =>
        {
            var outcome = SyncPath.Result(exchange.Handler.AttemptAsync(context, exchange));
            outcome.ThrowIfException();
            return outcome.Result!;
        };

    private readonly string _clientName;
    private readonly bool[] _statuses;
    private readonly int _maxRetries;
    private readonly TimeSpan _cap;
    private readonly TimeSpan _timeLimit;
    private readonly bool _retryKeyed;
    private readonly bool _useGate;
    private readonly double _budgetRatio;
    private readonly OriginGate _gate;
    private readonly RetryBudget _budget;
    private readonly IOriginGateCoordinator? _farm;
    private readonly TimeProvider _time;
    private readonly RetryMetrics _metrics;
    private readonly ILogger _logger;
    private readonly RetryHooks? _hooks;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly QuotaTracker _quotas;
    private readonly bool _readQuotas;
    private readonly bool _spread;
    private readonly XRateLimitReset _xReset;
    private readonly bool _generateKeys;
    private readonly ConcurrentDictionary<string, bool> _malformedLogged;
    private readonly long _maxQueryContentBytes;

    public RetryHandler(string clientName, RetryOptions options, ClientRetryState state, TimeProvider time, RetryMetrics metrics, ILogger logger, long maxQueryContentBytes = 64 * 1024)
    {
        _maxQueryContentBytes = maxQueryContentBytes;
        _clientName = clientName;
        _statuses = RetryPolicy.StatusLookup(options.StatusCodes);
        _maxRetries = options.MaxRetries;
        _cap = options.MaxRetryAfter;
        _timeLimit = options.TimeLimit;
        _retryKeyed = options.RetryPostWithIdempotencyKey;
        _useGate = options.UseOriginGate;
        _budgetRatio = options.BudgetRatio;
        _gate = state.Gate;
        _budget = state.Budget;
        _farm = state.Farm;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _hooks = RetryHooks.From(options);
        _quotas = state.Quotas;
        _readQuotas = options.UseRateLimitFields;
        _spread = options.SpreadRateLimitQuota;
        _xReset = options.XRateLimitFields is XRateLimitReset.SecondsToGo or XRateLimitReset.UnixTime ? options.XRateLimitFields : XRateLimitReset.Ignored;
        _generateKeys = options.GenerateIdempotencyKeys;
        _malformedLogged = state.MalformedRateLimitOrigins;

        // Built once per handler (IHttpClientFactory rebuilds handlers every few minutes, not per request), and run only
        // when a first outcome is worth a retry. Its own limit is the highest a request may set; ShouldRetry holds
        // each request to its own (the client's MaxRetries, or the request's SetMaxRetries).
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = RetryOptions.MaxRetriesLimit,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay < _cap ? options.BaseDelay : _cap,
                MaxDelay = _cap,
                ShouldHandle = ShouldRetry,
                DelayGenerator = RetryAfterDelay,
                OnRetry = OnRetry,
            })
            .Build();
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendCoreAsync(request, async: true, cancellationToken);

    /// <summary>
    /// <see cref="HttpClient.Send(HttpRequestMessage)"/>: the same decisions on Polly's synchronous <c>Execute</c>; a
    /// wait (backoff, <c>Retry-After</c>, a closed gate) blocks the thread on a timer of the <see cref="TimeProvider"/>.
    /// </summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SyncPath.Result(SendCoreAsync(request, async: false, cancellationToken));

    private async Task<HttpResponseMessage> SendCoreBufferedAsync(HttpRequestMessage request, bool async, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        var maxRetries = request.GetMaxRetries() ?? _maxRetries;
        _budget.OnRequest();
        EnsureIdempotencyKey(request);

        HttpResponseMessage response;
        TimeSpan? retryAfter;
        try
        {
            (response, retryAfter) = await SendOnceAsync(request, start, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (maxRetries > 0 && RetryPolicy.Classify(ex, cancellationToken.IsCancellationRequested) == RetryReason.ConnectionFailure)
        {
            if (!MayResend(request, RetryReason.ConnectionFailure, ex, 0))
            {
                throw;
            }

            return await RetryAsync(new Exchange(this, request, start, maxRetries, Outcome.FromException<HttpResponseMessage>(ex), null, async), cancellationToken).ConfigureAwait(false);
        }

        if (maxRetries == 0 || ClassifyStatus(request, (int)response.StatusCode) == RetryReason.None || !MayResend(request, RetryReason.Status, null, (int)response.StatusCode))
        {
            Remember(response, retryAfter);
            return IsRefusedKeyedAnswer(request, response) ? throw await KeyedAnswerExceptionAsync(response, async, cancellationToken).ConfigureAwait(false) : response;
        }

        return await RetryAsync(new Exchange(this, request, start, maxRetries, Outcome.FromResult(response), retryAfter, async), cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> RetryAsync(Exchange exchange, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(s_exchangeKey, exchange);
        try
        {
            var outcome = exchange.Async
                ? await _pipeline.ExecuteOutcomeAsync(s_attempt, context, exchange).ConfigureAwait(false)
                : ExecuteSynchronously(context, exchange);

            // Retries exhausted or refused: the last response goes back (the cache outside may serve stale instead),
            // a connection failure is rethrown as it was.
            outcome.ThrowIfException();
            var response = outcome.Result!;
            Remember(response, exchange.RetryAfter);
            return IsRefusedKeyedAnswer(exchange.Request, response) ? throw await KeyedAnswerExceptionAsync(response, exchange.Async, cancellationToken).ConfigureAwait(false) : response;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Polly's synchronous <c>Execute</c> (its delays wait on the <see cref="TimeProvider"/>), as an outcome.</summary>
    private Outcome<HttpResponseMessage> ExecuteSynchronously(ResilienceContext context, Exchange exchange)
    {
        try
        {
            return Outcome.FromResult(_pipeline.Execute(s_attemptSync, context, exchange));
        }
        catch (Exception ex)
        {
            return Outcome.FromException<HttpResponseMessage>(ex);
        }
    }

    /// <summary>Polly's callback: the first outcome (already received), then one more attempt per call.</summary>
    private async ValueTask<Outcome<HttpResponseMessage>> AttemptAsync(ResilienceContext context, Exchange exchange)
    {
        if (exchange.First is { } first)
        {
            exchange.First = null;
            return first;
        }

        exchange.RetryAfter = null;
        var (response, retryAfter) = await SendOnceAsync(exchange.Request, exchange.Start, exchange.Async, context.CancellationToken).ConfigureAwait(false);
        exchange.RetryAfter = retryAfter;
        return Outcome.FromResult(response);
    }

    /// <summary>One attempt: past the origin's gate and its quotas, sent, and its answer observed.</summary>
    /// <remarks>
    /// Every request passes through this frame (the first attempt and each retry): its state machine is pooled, so the
    /// frame costs a request nothing once it has completed asynchronously a few times.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(HttpResponseMessage Response, TimeSpan? RetryAfter)> SendOnceAsync(HttpRequestMessage request, long start, bool async, CancellationToken cancellationToken)
    {
        if (_gate.MaybeClosed)
        {
            await PassGateAsync(request, start, async, cancellationToken).ConfigureAwait(false);
        }

        var ticket = _readQuotas && !_quotas.IsEmpty ? await PassQuotaAsync(request, start, async, cancellationToken).ConfigureAwait(false) : null;
        HttpResponseMessage response;
        if (_readQuotas)
        {
            _quotas.Sending();
        }

        try
        {
            try
            {
                response = async ? await base.SendAsync(request, cancellationToken).ConfigureAwait(false) : base.Send(request, cancellationToken);
            }
            catch
            {
                _quotas.Return(ticket);
                throw;
            }

            return (response, Observe(request, response, ticket));
        }
        finally
        {
            if (_readQuotas)
            {
                _quotas.Answered();
            }
        }
    }

    private ValueTask<bool> ShouldRetry(RetryPredicateArguments<HttpResponseMessage> args)
    {
        var exchange = args.Context.Properties.GetValue(s_exchangeKey, null!);
        var cancelled = args.Context.CancellationToken.IsCancellationRequested;
        var status = args.Outcome.Result is { } result ? (int)result.StatusCode : 0;
        var reason = args.Outcome.Exception is { } exception
            ? RetryPolicy.Classify(exception, cancelled)
            : cancelled ? RetryReason.None : ClassifyStatus(exchange.Request, status);
        if (reason == RetryReason.None)
        {
            return new(false);
        }

        var request = exchange.Request;
        if (args.AttemptNumber >= exchange.MaxRetries)
        {
            Log.GaveUp(_logger, request.Method.Method, UriRedaction.Redact(request.RequestUri), args.AttemptNumber + 1, Describe(args.Outcome));
            _metrics.Refused(RetryRefusal.Exhausted);
            return new(false);
        }

        var gate = _useGate && _gate.MaybeClosed && request.RequestUri is { IsAbsoluteUri: true } uri
            ? _gate.Check(uri, _time.GetUtcNow())
            : GateState.Open;
        var timeLeft = RetryDelays.TimeLeft(_timeLimit, _time.GetElapsedTime(exchange.Start));
        var wait = RetryDelays.Choose(exchange.RetryAfter, gate.Left, gate.OverCap, _cap, timeLeft);
        switch (wait.Kind)
        {
            case RetryWaitKind.OverCap:
                Log.RetryAfterOverCap(_logger, Describe(args.Outcome), request.Method.Method, UriRedaction.Redact(request.RequestUri), wait.Delay, _cap);
                _metrics.Refused(RetryRefusal.RetryAfterOverCap);
                return new(false);
            case RetryWaitKind.PastTimeLeft:
                Log.PastTimeLeft(_logger, Describe(args.Outcome), request.Method.Method, UriRedaction.Redact(request.RequestUri), wait.Delay, timeLeft);
                _metrics.Refused(RetryRefusal.PastTimeLeft);
                return new(false);
        }

        // The caller's veto, for a retry the rules would make, before the budget is charged.
        var delay = wait.Kind == RetryWaitKind.Wait ? wait.Delay : (TimeSpan?)null;
        if (_hooks is not null && !_hooks.Allows(request, args.AttemptNumber + 1, reason, args.Outcome, delay))
        {
            Log.Vetoed(_logger, Describe(args.Outcome), request.Method.Method, UriRedaction.Redact(request.RequestUri), args.AttemptNumber + 1);
            _metrics.Refused(RetryRefusal.Vetoed);
            return new(false);
        }

        if (!_budget.TryTakeRetry())
        {
            Log.BudgetSpent(_logger, Describe(args.Outcome), request.Method.Method, UriRedaction.Redact(request.RequestUri), _clientName, _budgetRatio);
            _metrics.Refused(RetryRefusal.Budget);
            return new(false);
        }

        exchange.Reason = reason;
        exchange.PlannedDelay = delay;
        exchange.DelaySource = wait.Kind != RetryWaitKind.Wait ? "backoff"
            : exchange.RetryAfter is { } own && own >= wait.Delay ? "Retry-After"
            : "origin gate";
        return new(true);
    }

    private static ValueTask<TimeSpan?> RetryAfterDelay(RetryDelayGeneratorArguments<HttpResponseMessage> args) =>
        new(args.Context.Properties.GetValue(s_exchangeKey, null!).PlannedDelay);

    private ValueTask OnRetry(OnRetryArguments<HttpResponseMessage> args)
    {
        var exchange = args.Context.Properties.GetValue(s_exchangeKey, null!);
        var request = exchange.Request;
        var status = args.Outcome.Result is { } result ? (int)result.StatusCode : 0;
        Log.Retrying(_logger, request.Method.Method, UriRedaction.Redact(request.RequestUri), Describe(args.Outcome), args.AttemptNumber + 1, exchange.MaxRetries, args.RetryDelay, exchange.DelaySource);
        _metrics.Retried(exchange.Reason, status);
        StatusAwareTracing.Retrying(exchange.Reason == RetryReason.Status ? "status" : "connection_failure", status, args.AttemptNumber + 1, args.RetryDelay);
        try
        {
            _hooks?.Retrying(request, args.AttemptNumber + 1, exchange.Reason, args.Outcome, args.RetryDelay);
        }
        finally
        {
            // The dropped response goes back to the connection pool before the wait (its unread body is drained).
            args.Outcome.Result?.Dispose();
        }

        return default;
    }

    /// <summary>Waits at the request's origin gate while it is closed, or fails fast when the request cannot wait.</summary>
    private async Task PassGateAsync(HttpRequestMessage request, long start, bool async, CancellationToken cancellationToken)
    {
        if (!_useGate || request.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            return;
        }

        while (true)
        {
            var gate = _gate.Check(uri, _time.GetUtcNow());
            var timeLeft = RetryDelays.TimeLeft(_timeLimit, _time.GetElapsedTime(start));
            switch (RetryDelays.AtGate(gate.Left, gate.OverCap, timeLeft))
            {
                case GateAction.Pass:
                    return;
                case GateAction.FailFast:
                    Log.GateFailFast(_logger, request.Method.Method, UriRedaction.Redact(uri), gate.Left, (int)gate.Status);
                    _metrics.GateFailedFast();
                    throw new RetryGateClosedException(OriginGate.Describe(uri), gate.Status, gate.Left);
                default:
                    Log.GateWait(_logger, gate.Left, request.Method.Method, UriRedaction.Redact(uri), (int)gate.Status);
                    _metrics.GateWaited();
                    await WaitAsync(gate.Left, gate.Opened, async, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>Waits on a timer of the <see cref="TimeProvider"/> or the gate's opening; blocks the thread when not <paramref name="async"/>.</summary>
    private async Task WaitAsync(TimeSpan delay, Task opened, bool async, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(delay, _time, stop.Token);
        var first = Task.WhenAny(timer, opened);
        if ((async ? await first.ConfigureAwait(false) : SyncPath.Result(first)) == timer)
        {
            // Throws when the caller cancelled (or HttpClient.Timeout fired) during the wait.
            if (async)
            {
                await timer.ConfigureAwait(false);
            }
            else
            {
                SyncPath.Wait(timer);
            }
        }
        else
        {
            if (async)
            {
                await stop.CancelAsync().ConfigureAwait(false);
            }
            else
            {
                stop.Cancel();
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Closes or opens the response's origin gate; returns the parsed <c>Retry-After</c> of a failure.</summary>
    private TimeSpan? Observe(HttpRequestMessage request, HttpResponseMessage response, QuotaTicket? ticket)
    {
        var status = (int)response.StatusCode;
        var quotaClosed = ObserveQuota(request, response, ticket);
        if (status < 400)
        {
            if (_gate.MaybeClosed && !quotaClosed)
            {
                OpenGate(request, status);
            }

            return null;
        }

        TimeSpan? retryAfter = null;
        if ((HttpStatusRules.HoldsOrigin(status) || RetryPolicy.Classify(status, _statuses) == RetryReason.Status)
            && RetryAfterParser.TryParse(response, _time.GetUtcNow(), out var delay))
        {
            retryAfter = delay;
        }

        if (_useGate && RetryPolicy.ClosesGate(status, retryAfter) && request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            var hold = RetryDelays.GateHold(retryAfter!.Value, _cap);
            _gate.Close(uri, _time.GetUtcNow() + hold, overCap: retryAfter.Value > _cap, response.StatusCode);
            _farm?.Publish(uri, hold, response.StatusCode);
            Log.GateClosed(_logger, OriginGate.Describe(uri), status, retryAfter.Value, _clientName, hold);
        }
        else if (_gate.MaybeClosed && !quotaClosed && RetryPolicy.OpensGate(status))
        {
            OpenGate(request, status);
        }

        return retryAfter;
    }

    private void OpenGate(HttpRequestMessage request, int status)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri && _gate.Open(uri))
        {
            Log.GateOpened(_logger, OriginGate.Describe(uri), status, _clientName);
        }
    }

    /// <summary>Whether the request may be sent again at all (method, Idempotency-Key, body); logs and counts a refusal.</summary>
    private bool MayResend(HttpRequestMessage request, RetryReason reason, Exception? exception, int status)
    {
        var hasKey = request.Headers.NonValidated.Contains(RetryPolicy.IdempotencyKeyHeader);
        var refusal = RetryPolicy.CheckRequest(request.Method, hasKey, request.Content, _retryKeyed, QueryRequests.IsMarked(request));
        if (refusal == RetryRefusal.None)
        {
            return true;
        }

        var outcome = reason == RetryReason.Status ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : Describe(exception!);
        if (refusal == RetryRefusal.NotIdempotent)
        {
            Log.NotIdempotent(_logger, outcome, request.Method.Method, UriRedaction.Redact(request.RequestUri));
        }
        else
        {
            Log.BodyNotResendable(_logger, outcome, request.Method.Method, UriRedaction.Redact(request.RequestUri));
        }

        _metrics.Refused(refusal);
        return false;
    }

    private static void Remember(HttpResponseMessage response, TimeSpan? retryAfter)
    {
        if (retryAfter is { } delay)
        {
            RetryResponseExtensions.SetRetryAfter(response, delay);
        }
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception ? Describe(exception) : ((int)outcome.Result!.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Describe(Exception exception) =>
        exception is HttpRequestException http ? $"{exception.GetType().Name} ({http.HttpRequestError})" : exception.GetType().Name;

    /// <summary>One request's retries: what Polly's callbacks share (held in the rented <see cref="ResilienceContext"/>).</summary>
    private sealed class Exchange(RetryHandler handler, HttpRequestMessage request, long start, int maxRetries, Outcome<HttpResponseMessage> first, TimeSpan? retryAfter, bool async)
    {
        /// <summary>Gets a value indicating whether the attempts go through <c>SendAsync</c> (else <c>Send</c>).</summary>
        public bool Async { get; } = async;

        public RetryHandler Handler { get; } = handler;

        public HttpRequestMessage Request { get; } = request;

        public long Start { get; } = start;

        /// <summary>Gets the most retries of this request: the client's, or the request's own (<c>SetMaxRetries</c>).</summary>
        public int MaxRetries { get; } = maxRetries;

        public Outcome<HttpResponseMessage>? First { get; set; } = first;

        /// <summary>Gets or sets the parsed <c>Retry-After</c> of the last response.</summary>
        public TimeSpan? RetryAfter { get; set; } = retryAfter;

        public TimeSpan? PlannedDelay { get; set; }

        public RetryReason Reason { get; set; }

        public string DelaySource { get; set; } = "backoff";
    }
}
