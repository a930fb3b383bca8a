using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Retries.Internal;

/// <summary>Log messages of the retry handler (event ids 300-399). URIs are logged without query.</summary>
internal static partial class Log
{
    [LoggerMessage(300, LogLevel.Information, "Retrying {Method} {Uri} after {Reason} (retry {Retry} of {MaxRetries}), waiting {Delay} ({DelaySource}).")]
    public static partial void Retrying(ILogger logger, string method, string uri, string reason, int retry, int maxRetries, TimeSpan delay, string delaySource);

    [LoggerMessage(301, LogLevel.Warning, "Gave up on {Method} {Uri} after {Attempts} attempts; handing back {Outcome}.")]
    public static partial void GaveUp(ILogger logger, string method, string uri, int attempts, string outcome);

    [LoggerMessage(302, LogLevel.Warning, "Not retrying {Outcome} of {Method} {Uri}: the delay asked for ({Delay}) is over Retries.MaxRetryAfter ({Cap}); handing it back.")]
    public static partial void RetryAfterOverCap(ILogger logger, string outcome, string method, string uri, TimeSpan delay, TimeSpan cap);

    [LoggerMessage(303, LogLevel.Warning, "Not retrying {Outcome} of {Method} {Uri}: a wait of {Delay} would end past the request's time left ({TimeLeft}, Retries.TimeLimit); handing it back.")]
    public static partial void PastTimeLeft(ILogger logger, string outcome, string method, string uri, TimeSpan delay, TimeSpan timeLeft);

    [LoggerMessage(304, LogLevel.Debug, "Not retrying {Outcome} of {Method} {Uri}: the method is not idempotent and the request has no Idempotency-Key (or Retries.RetryPostWithIdempotencyKey is off).")]
    public static partial void NotIdempotent(ILogger logger, string outcome, string method, string uri);

    [LoggerMessage(305, LogLevel.Warning, "Not retrying {Outcome} of {Method} {Uri}: the request body cannot be sent again (a one-shot stream).")]
    public static partial void BodyNotResendable(ILogger logger, string outcome, string method, string uri);

    [LoggerMessage(306, LogLevel.Warning, "Not retrying {Outcome} of {Method} {Uri}: the retry budget of client '{ClientName}' is spent (retries are held to {Ratio} of requests during an outage).")]
    public static partial void BudgetSpent(ILogger logger, string outcome, string method, string uri, string clientName, double ratio);

    [LoggerMessage(307, LogLevel.Information, "{Origin} answered {StatusCode} with Retry-After {RetryAfter}; client '{ClientName}' holds its requests to it for {Hold}.")]
    public static partial void GateClosed(ILogger logger, string origin, int statusCode, TimeSpan retryAfter, string clientName, TimeSpan hold);

    [LoggerMessage(308, LogLevel.Debug, "Waiting {Wait} before sending {Method} {Uri}: its origin asked for time ({StatusCode} with Retry-After).")]
    public static partial void GateWait(ILogger logger, TimeSpan wait, string method, string uri, int statusCode);

    [LoggerMessage(309, LogLevel.Warning, "Not sending {Method} {Uri}: its origin asked for {Wait} more ({StatusCode} with Retry-After), longer than Retries.MaxRetryAfter or the request's time left.")]
    public static partial void GateFailFast(ILogger logger, string method, string uri, TimeSpan wait, int statusCode);

    [LoggerMessage(310, LogLevel.Information, "{Origin} answered {StatusCode}; client '{ClientName}' sends to it again.")]
    public static partial void GateOpened(ILogger logger, string origin, int statusCode, string clientName);

    [LoggerMessage(311, LogLevel.Information, "Not retrying {Outcome} of {Method} {Uri}: Retries.ShouldRetry vetoed retry {Retry}; handing it back.")]
    public static partial void Vetoed(ILogger logger, string outcome, string method, string uri, int retry);

    [LoggerMessage(312, LogLevel.Debug, "Waiting {Wait} before sending {Method} {Uri}: its origin's quota '{Policy}' has no unit left (RateLimit field, or the requests in flight take what is left).")]
    public static partial void QuotaWait(ILogger logger, TimeSpan wait, string method, string uri, string policy);

    [LoggerMessage(313, LogLevel.Information, "{Origin} says its quota '{Policy}' is exhausted (remaining {Remaining}, resets in {Reset}); client '{ClientName}' holds its requests to it until then.")]
    public static partial void QuotaExhausted(ILogger logger, string origin, string policy, long remaining, TimeSpan reset, string clientName);

    [LoggerMessage(314, LogLevel.Warning, "Not sending {Method} {Uri}: its origin's quota '{Policy}' resets in {Wait}, longer than Retries.MaxRetryAfter or the request's time left.")]
    public static partial void QuotaFailFast(ILogger logger, string method, string uri, string policy, TimeSpan wait);

    [LoggerMessage(315, LogLevel.Debug, "Ignoring the malformed {Field} field of {Origin} (said once per origin).")]
    public static partial void QuotaFieldMalformed(ILogger logger, string field, string origin);

    [LoggerMessage(316, LogLevel.Debug, "Sending {Method} {Uri} with the generated Idempotency-Key {KeyStart} (Retries.GenerateIdempotencyKeys).")]
    public static partial void IdempotencyKeyAdded(ILogger logger, string method, string uri, string keyStart);
}
