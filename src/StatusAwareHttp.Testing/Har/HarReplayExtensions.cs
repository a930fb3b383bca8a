namespace StatusAwareHttp.Testing;

/// <summary>Serves a HAR recording from a <see cref="TestOrigin"/>.</summary>
public static class HarReplayExtensions
{
    /// <summary>
    /// Answers every request no declared route of <paramref name="origin"/> takes from <paramref name="recording"/>,
    /// its dates rebased so that the recording's start is <paramref name="startAt"/> (see <see cref="HarReplay"/>).
    /// A later call replaces the replay. Routes declared with <c>Map</c> still answer their paths, so a test can
    /// change one answer of a recorded session.
    /// </summary>
    /// <param name="origin">The origin to answer from.</param>
    /// <param name="recording">The recording to serve.</param>
    /// <param name="startAt">
    /// The instant the recording's first request maps to. Default: <see langword="null"/>, the now of the origin's
    /// <see cref="TestOrigin.TimeProvider"/> at this call.
    /// </param>
    /// <returns>The replay, to <see cref="HarReplay.Verify"/> or inspect.</returns>
    public static HarReplay Replay(this TestOrigin origin, HarRecording recording, DateTimeOffset? startAt = null)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(recording);
        var replay = new HarReplay(recording, origin.TimeProvider, startAt ?? origin.TimeProvider.GetUtcNow());
        origin.Fallback = replay;
        return replay;
    }
}
