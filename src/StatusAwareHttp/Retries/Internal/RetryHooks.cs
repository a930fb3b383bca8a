using Polly;

namespace StatusAwareHttp.Retries.Internal;

/// <summary>
/// The caller's retry hooks (<see cref="RetryOptions.ShouldRetry"/>, <see cref="RetryOptions.OnRetry"/>), asked from
/// Polly's callbacks on both the async and the synchronous path. A hook that throws has its exception go to the caller;
/// the response being retried is disposed either way, since it never reaches the caller.
/// </summary>
internal sealed class RetryHooks
{
    private readonly Func<RetryContext, bool>? _shouldRetry;
    private readonly Action<RetryContext>? _onRetry;

    private RetryHooks(Func<RetryContext, bool>? shouldRetry, Action<RetryContext>? onRetry)
    {
        _shouldRetry = shouldRetry;
        _onRetry = onRetry;
    }

    /// <summary>The hooks of <paramref name="options"/>, or <see langword="null"/> when neither is set (nothing to ask).</summary>
    public static RetryHooks? From(RetryOptions options) =>
        options.ShouldRetry is null && options.OnRetry is null ? null : new RetryHooks(options.ShouldRetry, options.OnRetry);

    /// <summary>Whether <see cref="RetryOptions.ShouldRetry"/> lets the retry numbered <paramref name="attempt"/> go ahead.</summary>
    public bool Allows(HttpRequestMessage request, int attempt, RetryReason reason, Outcome<HttpResponseMessage> outcome, TimeSpan? delay)
    {
        if (_shouldRetry is null)
        {
            return true;
        }

        try
        {
            return _shouldRetry(new RetryContext(request, attempt, reason, outcome.Result, outcome.Exception, delay));
        }
        catch
        {
            outcome.Result?.Dispose();
            throw;
        }
    }

    /// <summary>Tells <see cref="RetryOptions.OnRetry"/> of the retry numbered <paramref name="attempt"/>, before its wait.</summary>
    public void Retrying(HttpRequestMessage request, int attempt, RetryReason reason, Outcome<HttpResponseMessage> outcome, TimeSpan delay) =>
        _onRetry?.Invoke(new RetryContext(request, attempt, reason, outcome.Result, outcome.Exception, delay));
}
