using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Retries.Internal;

/// <summary>How a retry waits, or why it does not happen.</summary>
internal enum RetryWaitKind
{
    /// <summary>No <c>Retry-After</c>: Polly's exponential backoff with jitter decides.</summary>
    Backoff,

    /// <summary>Wait exactly <see cref="RetryWait.Delay"/> (a <c>Retry-After</c>, or the origin's gate), then retry.</summary>
    Wait,

    /// <summary>The delay asked for is over <see cref="RetryOptions.MaxRetryAfter"/>: hand the response back.</summary>
    OverCap,

    /// <summary>The wait would end at or past the request's time left: hand the response back.</summary>
    PastTimeLeft,
}

/// <summary>The wait before a retry.</summary>
internal readonly record struct RetryWait(RetryWaitKind Kind, TimeSpan Delay);

/// <summary>What a new attempt does at its origin's gate.</summary>
internal enum GateAction
{
    Pass,
    Wait,
    FailFast,
}

/// <summary>The delay math of retries and of the per-origin gate, as pure functions (the current time is an argument).</summary>
internal static class RetryDelays
{
    /// <summary>The time a request has left before <see cref="RetryOptions.TimeLimit"/>.</summary>
    public static TimeSpan TimeLeft(TimeSpan limit, TimeSpan elapsed) => limit - elapsed;

    /// <summary>
    /// Chooses the wait before a retry from the response's <c>Retry-After</c> (if any) and what is left of its origin's
    /// gate (closed by this or another request).
    /// </summary>
    public static RetryWait Choose(TimeSpan? retryAfter, TimeSpan gateLeft, bool gateOverCap, TimeSpan cap, TimeSpan timeLeft)
    {
        // §10.2.3: the server's delay is a minimum; a client that will not wait that long hands the answer back.
        if (retryAfter > cap || (gateOverCap && gateLeft > TimeSpan.Zero))
        {
            return new RetryWait(RetryWaitKind.OverCap, retryAfter ?? gateLeft);
        }

        // No Retry-After and an open gate: the backoff decides (it is capped, and cancellation stops it).
        if (retryAfter is null && gateLeft <= TimeSpan.Zero)
        {
            return new RetryWait(RetryWaitKind.Backoff, TimeSpan.Zero);
        }

        // Never early (§10.2.3): the longer of our own Retry-After and the gate.
        var wait = retryAfter is { } own && own > gateLeft ? own : gateLeft;

        // A wait that ends at the deadline leaves no time for the attempt: it would end in a timeout, not an answer.
        if (wait >= timeLeft)
        {
            return new RetryWait(RetryWaitKind.PastTimeLeft, wait);
        }

        return new RetryWait(RetryWaitKind.Wait, wait);
    }

    /// <summary><see cref="Choose"/> for a raw <c>Retry-After</c> field value received at <paramref name="now"/> (gate open).</summary>
    public static RetryWait ChooseFromHeader(string? retryAfter, DateTimeOffset now, TimeSpan cap, TimeSpan timeLeft) =>
        Choose(RetryAfterParser.TryParse(retryAfter, now, out var delay) ? delay : null, TimeSpan.Zero, gateOverCap: false, cap, timeLeft);

    /// <summary>How long a gate closed by <paramref name="retryAfter"/> holds its origin: never longer than the cap.</summary>
    public static TimeSpan GateHold(TimeSpan retryAfter, TimeSpan cap) => retryAfter < cap ? retryAfter : cap;

    /// <summary>What an attempt does at a gate that holds its origin for <paramref name="gateLeft"/> more.</summary>
    public static GateAction AtGate(TimeSpan gateLeft, bool gateOverCap, TimeSpan timeLeft)
    {
        if (gateLeft <= TimeSpan.Zero)
        {
            return GateAction.Pass;
        }

        // The origin asked for more than the cap, or more than this request has: waiting ends in no answer.
        return gateOverCap || gateLeft >= timeLeft ? GateAction.FailFast : GateAction.Wait;
    }
}
