namespace StatusAwareHttp.Testing;

/// <summary>
/// Requests reached a replaying <see cref="TestOrigin"/> that no recorded request matches. Thrown by
/// <see cref="HarReplay.Verify"/> and by the origin's <c>DisposeAsync</c>; the message lists each such request with the
/// closest recorded one and how they differ.
/// </summary>
public sealed class HarReplayException : Exception
{
    /// <summary>Creates the exception with the default message and no requests.</summary>
    public HarReplayException()
        : this("A request reached the replaying origin that no recorded request matches.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and no requests.</summary>
    /// <param name="message">The message.</param>
    public HarReplayException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the error that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public HarReplayException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal HarReplayException(IReadOnlyList<string> unmatched)
        : base($"{unmatched.Count} request(s) matched no recorded request:{Environment.NewLine}{string.Join(Environment.NewLine, unmatched)}")
    {
        Unmatched = unmatched;
    }

    /// <summary>Gets each unmatched request with the closest recorded one (empty when made with a message only).</summary>
    public IReadOnlyList<string> Unmatched { get; } = [];
}
