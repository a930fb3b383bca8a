using System.Net;

namespace StatusAwareHttp;

/// <summary>
/// Shares one client's origin gates (an origin that answered 429 or 503 with <c>Retry-After</c> is held) across the
/// instances of a farm: the instance that closes a gate publishes it, and every instance closes its own local gate
/// on what the others publish, so no request pays a round trip to check. Register one as a keyed singleton under the
/// client name (the Redis package's <c>UseRedisCoordination</c> does); without one, each instance holds alone.
/// </summary>
/// <remarks>The retry budget stays per instance: it is a ratio of this instance's retries to its own requests.</remarks>
public interface IOriginGateCoordinator
{
    /// <summary>
    /// Tells the other instances that <paramref name="origin"/> is held for <paramref name="hold"/> from now (already
    /// capped by <see cref="RetryOptions.MaxRetryAfter"/>). Called on the request path: must not block or throw.
    /// </summary>
    /// <param name="origin">The request's URI (only its scheme, host and port matter).</param>
    /// <param name="hold">How long the origin is held, from now (a duration, so that clocks need not agree).</param>
    /// <param name="status">The status that closed the gate (429 or 503).</param>
    void Publish(Uri origin, TimeSpan hold, HttpStatusCode status);

    /// <summary>
    /// Calls <paramref name="closed"/> with each gate another instance publishes (origin, hold from its arrival, status),
    /// until the returned handle or the coordinator is disposed. Called once per client, when its retry state is made.
    /// </summary>
    /// <param name="closed">Closes the local gate; called on the coordinator's threads.</param>
    /// <returns>A handle that stops the calls.</returns>
    IDisposable Subscribe(Action<Uri, TimeSpan, HttpStatusCode> closed);
}
