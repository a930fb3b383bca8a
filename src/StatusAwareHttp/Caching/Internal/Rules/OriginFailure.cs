using System.Net.Sockets;
using Polly;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>Which exceptions mean that the origin failed to answer, the failures <c>stale-if-error</c> covers (RFC 5861 §4).</summary>
internal static class OriginFailure
{
    /// <summary>
    /// Whether <paramref name="exception"/> is the origin failing to answer rather than the caller cancelling: a
    /// connection or protocol error, a timeout, or a Polly resilience handler further in rejecting the request
    /// (<see cref="ExecutionRejectedException"/>: its timeout, its open circuit, its rate limiter), which stands for
    /// the origin's failure.
    /// </summary>
    public static bool IsOriginFailure(Exception exception, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && exception is HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException
            or ExecutionRejectedException;
}
