namespace StatusAwareHttp.Retries.Internal.RateLimit;

/// <summary>What the known quotas say about sending one more request now.</summary>
internal enum QuotaAction
{
    /// <summary>Send it: a unit is free (and taken, counted in flight until the answer).</summary>
    Send,

    /// <summary>Wait <see cref="QuotaDecision.Wait"/> (or until an answer frees a unit), then ask again.</summary>
    Wait,
}

/// <summary>The outcome of <see cref="QuotaTracker.TryTake"/>.</summary>
/// <param name="Action">Send or wait.</param>
/// <param name="Wait">How long to wait at most before asking again (<see cref="TimeSpan.Zero"/> when sending); <see langword="null"/>: until an answer frees a unit.</param>
/// <param name="Changed">Completes when an answer or the end of a request changes the quota waited for.</param>
/// <param name="Policy">The policy that holds the request, for logs.</param>
/// <param name="Ticket">The units taken, handed back with the answer (when sending).</param>
internal readonly record struct QuotaDecision(QuotaAction Action, TimeSpan? Wait, Task Changed, string? Policy, QuotaTicket? Ticket)
{
    public static readonly QuotaDecision SendFree = new(QuotaAction.Send, TimeSpan.Zero, Task.CompletedTask, null, null);
}

/// <summary>
/// The pure arithmetic of one quota: whether a unit is free now and, in spread mode, when the next may go.
/// draft-ietf-httpapi-ratelimit-headers-11 §7: "A client SHOULD NOT exceed the available quota within the time
/// expressed in the effective window parameter"; it may spend it at once and then wait, or slow down (spread).
/// </summary>
internal static class QuotaMath
{
    /// <summary>
    /// The units still free: what the origin said is left, less the requests sent and not yet answered (they may
    /// each take one, §4.1.1).
    /// </summary>
    public static long Free(long remaining, int inFlight) => remaining - inFlight;

    /// <summary>
    /// Spread mode's interval between sends: the time to the reset divided by the units free, so that the quota
    /// lasts the window: with <c>r</c> units free and <c>t</c> seconds to go, one request every <c>t ÷ r</c>.
    /// </summary>
    public static TimeSpan SpreadInterval(TimeSpan untilReset, long free) =>
        free <= 0 || untilReset <= TimeSpan.Zero ? TimeSpan.Zero : untilReset / free;
}
