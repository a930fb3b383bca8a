using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Testing.Har;
using StatusAwareHttp.Testing.Internal;

namespace StatusAwareHttp.Testing;

/// <summary>
/// A <see cref="HarRecording"/> served by a <see cref="TestOrigin"/> (<see cref="HarReplayExtensions.Replay"/>): each
/// request that no declared route takes is answered with its recorded response, dates rebased to the origin's clock.
/// </summary>
/// <remarks>
/// <para>
/// Rebasing: every HTTP-date of <c>Date</c>, <c>Last-Modified</c>, <c>Expires</c> and <c>Retry-After</c> is moved by
/// <see cref="Shift"/> (the origin clock's now when replay began minus <see cref="HarRecording.StartedAt"/>), so a
/// response recorded as fresh for 60 s is fresh for 60 s of the test's clock, and validators compare as they did live.
/// A recorded response without <c>Date</c> gets its entry's start, rebased.
/// </para>
/// <para>
/// Matching: method, path, query (in any order; a <c>REDACTED</c> value matches any value) and, when recorded, the
/// content; other request fields only tell conditional and range requests apart. The recorded answers to requests of the same kind come first (conditional or not, the same <c>Range</c>),
/// each once in recorded order, the last again when all are used. A conditional request with no recorded conditional
/// answer left gets 304 when its validators match the recorded full response (by <c>ETag</c> or the rebased
/// <c>Last-Modified</c>), else that response.
/// </para>
/// <para>
/// A request that matches nothing is answered <c>501 Not Implemented</c> with <c>Cache-Control: no-store</c> and a
/// text body naming the closest recorded request and how it differs, and is kept in <see cref="Unmatched"/>;
/// <see cref="Verify"/> and the origin's <c>DisposeAsync</c> then throw <see cref="HarReplayException"/> with the same
/// lines, so the test fails under any test framework. The origin's <c>Content-Encoding</c>, <c>Content-Length</c> and
/// hop-by-hop fields are not replayed (HAR keeps bodies decoded), nor fields with values beyond ASCII. A
/// <c>Location</c> on the recorded request's own origin is sent as a path, so a redirect stays on the replaying origin.
/// The host is not compared: one origin serves a recording of several hosts, which collide only on equal paths.
/// </para>
/// </remarks>
public sealed class HarReplay : ITestOriginFallback
{
    private readonly Lock _lock = new();
    private readonly int[] _uses;
    private readonly List<string> _unmatched = [];
    private readonly TimeProvider _clock;
    private int _reported;
    private int _served;

    internal HarReplay(HarRecording recording, TimeProvider clock, DateTimeOffset startAt)
    {
        Recording = recording;
        _clock = clock;
        _uses = new int[recording.Count];
        Shift = recording.StartedAt is { } started ? startAt - started : TimeSpan.Zero;
    }

    /// <summary>Gets the recording served.</summary>
    public HarRecording Recording { get; }

    /// <summary>Gets how far the recorded dates are moved: the replay's start minus the recording's start.</summary>
    public TimeSpan Shift { get; }

    /// <summary>Gets the number of requests answered from the recording so far.</summary>
    public int Served => Volatile.Read(ref _served);

    /// <summary>Gets each request so far that matched no recorded request, with the closest recorded one.</summary>
    public IReadOnlyList<string> Unmatched
    {
        get
        {
            lock (_lock)
            {
                return [.. _unmatched];
            }
        }
    }

    /// <summary>Throws when a request matched no recorded request.</summary>
    /// <exception cref="HarReplayException">At least one request was unmatched; the message lists each with the closest recorded request.</exception>
    public void Verify()
    {
        lock (_lock)
        {
            if (_unmatched.Count == 0)
            {
                return;
            }

            _reported = _unmatched.Count;
            throw new HarReplayException([.. _unmatched]);
        }
    }

    /// <summary>Throws as <see cref="Verify"/> does, unless <see cref="Verify"/> already reported every unmatched request.</summary>
    internal void VerifyOnDispose()
    {
        lock (_lock)
        {
            if (_reported == _unmatched.Count)
            {
                return;
            }
        }

        Verify();
    }

    async ValueTask<bool> ITestOriginFallback.TryAnswerAsync(ReceivedRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var replay = new ReplayRequest(request.Method, request.Target, request.Headers, request.Body);
        ReplayDecision decision;
        lock (_lock)
        {
            decision = HarMatcher.Decide(replay, Recording.Exchanges, _uses, Shift);
            if (decision.Kind == ReplayAnswerKind.Unmatched)
            {
                _unmatched.Add(Describe(replay, decision));
            }
            else
            {
                _uses[IndexOf(decision.Exchange!)]++;
                _served++;
            }
        }

        await ReplayResponses.WriteAsync(response, replay, decision, Describe(replay, decision), Shift, _clock, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static string Describe(ReplayRequest request, ReplayDecision decision) =>
        decision.Exchange is { } closest
            ? $"{request.Describe()}: closest recorded request {closest.Describe()} ({decision.Reason})"
            : $"{request.Describe()}: {decision.Reason}";

    private int IndexOf(HarExchange exchange)
    {
        for (var i = 0; i < Recording.Exchanges.Count; i++)
        {
            if (ReferenceEquals(Recording.Exchanges[i], exchange))
            {
                return i;
            }
        }

        throw new InvalidOperationException("The exchange is not in the recording.");
    }
}
