namespace StatusAwareHttp;

/// <summary>
/// A retry about to be made, as shown to <see cref="RetryOptions.ShouldRetry"/> (which may veto it) and to
/// <see cref="RetryOptions.OnRetry"/> (told of it before the wait). Valid only during the call: the response is
/// disposed right after the callbacks return.
/// </summary>
public sealed class RetryContext
{
    internal RetryContext(HttpRequestMessage request, int attempt, RetryReason reason, HttpResponseMessage? response, Exception? exception, TimeSpan? delay)
    {
        Request = request;
        Attempt = attempt;
        Reason = reason;
        Response = response;
        Exception = exception;
        Delay = delay;
    }

    /// <summary>Gets the request that would be sent again (the same message, with its headers and body).</summary>
    public HttpRequestMessage Request { get; }

    /// <summary>Gets the number of this retry, from 1 (the first retry, the second attempt).</summary>
    public int Attempt { get; }

    /// <summary>Gets why the last attempt is worth another: <see cref="RetryReason.Status"/> or <see cref="RetryReason.ConnectionFailure"/>.</summary>
    public RetryReason Reason { get; }

    /// <summary>
    /// Gets the response that is retried (<see cref="RetryReason.Status"/>), or <see langword="null"/> for a connection
    /// failure. Its body is unread; it is disposed once the callbacks return (and never reaches the caller).
    /// </summary>
    public HttpResponseMessage? Response { get; }

    /// <summary>Gets the failure that is retried (<see cref="RetryReason.ConnectionFailure"/>), or <see langword="null"/> for a status.</summary>
    public Exception? Exception { get; }

    /// <summary>
    /// Gets the wait before the retry. In <see cref="RetryOptions.OnRetry"/>: the wait that starts now (a
    /// <c>Retry-After</c>, the origin's gate, or the backoff). In <see cref="RetryOptions.ShouldRetry"/>: the
    /// <c>Retry-After</c> or gate wait when there is one, else <see langword="null"/> (the backoff is drawn after the
    /// decision).
    /// </summary>
    public TimeSpan? Delay { get; }
}
