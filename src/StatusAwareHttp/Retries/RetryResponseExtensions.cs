using System.Runtime.CompilerServices;

namespace StatusAwareHttp;

/// <summary>Reads what the retry handler saw on a response it handed back.</summary>
public static class RetryResponseExtensions
{
    // Keyed by the response itself, so a response made later for the same request (a stale one served by the cache,
    // say) never shows a delay that belonged to another.
    private static readonly ConditionalWeakTable<HttpResponseMessage, object> s_retryAfter = [];

    /// <summary>
    /// Gets the delay the response's <c>Retry-After</c> asked for (RFC 9110 §10.2.3), as the retry handler parsed it
    /// when it received the response: for a retried status (503, 429, ...) that went back to the caller without being
    /// waited out (over <c>Retries.MaxRetryAfter</c>, past the time left, retries or budget exhausted, or a request
    /// that is not retried). An HTTP-date in the past gives <see cref="TimeSpan.Zero"/>.
    /// </summary>
    /// <param name="response">A response from a client with status handling.</param>
    /// <returns>The delay, or <see langword="null"/> when the response had no valid <c>Retry-After</c> or the retry handler did not see it.</returns>
    public static TimeSpan? GetRetryAfter(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return s_retryAfter.TryGetValue(response, out var delay) ? (TimeSpan)delay : null;
    }

    internal static void SetRetryAfter(HttpResponseMessage response, TimeSpan delay) => s_retryAfter.AddOrUpdate(response, delay);
}
