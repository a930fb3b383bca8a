
namespace StatusAwareHttp;

/// <summary>Sets and reads how many times one request may be retried (kept in <see cref="HttpRequestMessage.Options"/>).</summary>
public static class RetryRequestExtensions
{
    /// <summary>The key of the limit in <see cref="HttpRequestMessage.Options"/>.</summary>
    internal static readonly HttpRequestOptionsKey<int> MaxRetriesKey = new("StatusAwareHttp.MaxRetries");

    // Until a limit is set on some request, no request has one: reading HttpRequestMessage.Options would allocate them.
    private static volatile bool s_anySet;

    /// <summary>
    /// Sets the most retries of this request after its first attempt, in place of the client's
    /// <see cref="RetryOptions.MaxRetries"/>: 0 turns retries off for this request (its origin's gate still applies),
    /// a higher number than the client's allows more. Default (when never set): the client's
    /// <see cref="RetryOptions.MaxRetries"/> (3). Has no effect on a client whose retries are off
    /// (<see cref="RetryOptions.Enabled"/>); the retry budget, <c>Retry-After</c> cap and time limit still apply.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="maxRetries">The most retries, 0 to 10.</param>
    /// <returns>The same <paramref name="request"/>, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRetries"/> is below 0 or over 10.</exception>
    public static HttpRequestMessage SetMaxRetries(this HttpRequestMessage request, int maxRetries)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRetries, RetryOptions.MaxRetriesLimit);

        s_anySet = true;
        request.Options.Set(MaxRetriesKey, maxRetries);
        return request;
    }

    /// <summary>Gets the most retries set on this request with <see cref="SetMaxRetries"/>, or <see langword="null"/> when none was set (the client's apply).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The limit set, or <see langword="null"/>.</returns>
    public static int? GetMaxRetries(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return s_anySet && request.Options.TryGetValue(MaxRetriesKey, out var max) ? max : null;
    }
}
