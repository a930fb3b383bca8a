using System.Globalization;
using System.Net;

namespace StatusAwareHttp;

/// <summary>
/// Thrown instead of sending a request when its origin asked this client for time (503 or 429 with
/// <c>Retry-After</c>) and the request cannot wait that long: the wait is over <c>Retries.MaxRetryAfter</c> or past
/// the request's time left. Nothing was sent. <see cref="HttpRequestException.StatusCode"/> is the status that
/// closed the gate.
/// </summary>
public sealed class RetryGateClosedException : HttpRequestException
{
    internal RetryGateClosedException(string origin, HttpStatusCode statusCode, TimeSpan retryAfter)
        : base(
            HttpRequestError.Unknown,
            string.Create(CultureInfo.InvariantCulture, $"Not sent: {origin} answered {(int)statusCode} with Retry-After, and its requests are held back for {retryAfter.TotalSeconds:0.###} s more, longer than this request can wait."),
            inner: null,
            statusCode)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>Gets how much longer the origin is held back.</summary>
    public TimeSpan RetryAfter { get; }
}
