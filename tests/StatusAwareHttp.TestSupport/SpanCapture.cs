using System.Collections.Concurrent;
using System.Diagnostics;

namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>
/// The spans a piece of test code makes: the code runs under a root span of its own, and only the spans of that trace
/// come back (tests running in parallel make other traces), the root left out.
/// </summary>
public static class SpanCapture
{
    private static readonly ActivitySource s_root = new("StatusAwareHttp.Tests.SpanCapture");

    /// <summary>Runs <paramref name="body"/> and returns every span stopped in its trace, in the order they stopped.</summary>
    public static async Task<List<Activity>> SpansOf(Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        ActivityTraceId trace;
        using (var root = s_root.StartActivity("test")!)
        {
            trace = root.TraceId;
            await body().ConfigureAwait(false);
        }

        return stopped.Where(a => a.TraceId == trace && a.Source != s_root).ToList();
    }
}
