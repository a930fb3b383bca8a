using Microsoft.Data.Sqlite;
using Polly;
using Polly.Retry;
using StatusAwareHttp.Shared;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The Polly pipeline around every call on the cache file: one immediate retry of a failed call, outside the shared
/// store circuit (<see cref="StoreCircuit"/>, without a timeout: the calls are synchronous file I/O that Polly could
/// not stop). The circuit's breaks last <see cref="SqliteHttpCacheOptions.BypassDuration"/>; then one call probes the file.
/// </summary>
/// <remarks>
/// A local file's failures (a folder that cannot be made, a read-only file, a full disk, an I/O error) are not the
/// passing faults of a network: what fails once fails again a moment later, and trying again costs microseconds. So a
/// failed call is tried once more at once: a failure that repeats gives the circuit its two calls
/// (<see cref="StoreCircuit.MinimumThroughput"/>), at least half of them failed, and the file is bypassed from that
/// call on, as it was on the first failure before; a glitch that does not repeat leaves the file in use. Calls that
/// succeeded in the last 10 s count too: a file that serves reads while its writes fail (a full disk) stays in use
/// until the failures are half of the calls, each failure logged meanwhile.
/// </remarks>
internal sealed class SqliteFileCircuit
{
    /// <summary>The name of the store's call (read, write, ...), for the logs.</summary>
    public static readonly ResiliencePropertyKey<string> Operation = new("StatusAwareHttp.Sqlite.Operation");

    private readonly StoreCircuit _circuit;

    public SqliteFileCircuit(TimeProvider time, TimeSpan breakDuration, Action<string, Exception?> opened, Action closed)
    {
        _circuit = new StoreCircuit(
            "StatusAwareHttp.Sqlite",
            time,
            operationTimeout: null,
            breakDuration,
            (exception, _) => IsFileFailure(exception),
            (context, exception) => opened(context.Properties.GetValue(Operation, "call"), exception),
            closed);
        Pipeline = new ResiliencePipelineBuilder { TimeProvider = time, Name = "StatusAwareHttp.Sqlite" }
            .AddRetry(new RetryStrategyOptions
            {
                Name = "StatusAwareHttp.Sqlite.Retry",
                ShouldHandle = args => new ValueTask<bool>(IsFileFailure(args.Outcome.Exception)),
                MaxRetryAttempts = 1,
                Delay = TimeSpan.Zero,
            })
            .AddPipeline(_circuit.Pipeline)
            .Build();
    }

    /// <summary>Gets the pipeline: calls through it throw <c>BrokenCircuitException</c> while the file is bypassed.</summary>
    public ResiliencePipeline Pipeline { get; }

    /// <summary>Gets a value indicating whether the file is in use (the circuit is closed).</summary>
    public bool IsClosed => _circuit.IsClosed;

    /// <summary>
    /// Whether a call's exception says the file cannot be used: any SQLite error but a lock another process holds, a
    /// damaged file (moved aside instead) and the store closing; an I/O or permission error; a file that cannot be opened.
    /// </summary>
    public static bool IsFileFailure(Exception? exception) => exception switch
    {
        null or ObjectDisposedException or OperationCanceledException => false,
        SqliteException sqlite => !SqliteBusyRetry.IsBusy(sqlite) && !SqliteCacheFile.IsUnreadable(sqlite),
        IOException or UnauthorizedAccessException or InvalidOperationException or InvalidDataException or NotSupportedException or ArgumentException => true,
        _ => false,
    };
}
