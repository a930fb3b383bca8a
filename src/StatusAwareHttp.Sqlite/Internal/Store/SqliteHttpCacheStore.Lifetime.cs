using Polly;
using Polly.Timeout;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The store's end: disposal (synchronous or not, once however often it is called) and process exit when it is never
/// disposed. Within <see cref="SqliteHttpCacheOptions.FlushTimeout"/>, what is queued is written, then the access
/// times, the free pages given back and the WAL truncated, so the files are at rest within their bound; past it, the
/// writer stops waiting for another process's lock and what is left is dropped with a warning. Disposal ends within
/// <c>FlushTimeout</c> plus <see cref="SqliteFileBounds.DisposeMargin"/>, whatever another process holds.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2213", Justification = "The closing token source is only cancelled, never disposed: the writer may still read its token while it finishes its last statement after disposal.")]
internal sealed partial class SqliteHttpCacheStore
{
    private static readonly ResiliencePipeline s_margin = new ResiliencePipelineBuilder().AddTimeout(SqliteFileBounds.DisposeMargin).Build();

    private readonly TaskCompletionSource _closedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _closeStarted;

    /// <summary>
    /// Completes when the writes and removals queued before the call are in the file (or failed, with a warning):
    /// for <see cref="IHttpCache.FlushAsync"/>, for what reads the file directly (another process, an inspection) and tests.
    /// </summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => new(_writes.FlushAsync(cancellationToken));

    public ValueTask DisposeAsync() => new(Close());

    public void Dispose() => Close().GetAwaiter().GetResult();

    /// <summary>The process exits and nobody disposed the store (most console apps): it closes as disposal does.</summary>
    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    private Task Close()
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) == 0)
        {
            _ = CloseAndSignalAsync();
        }

        return _closedSignal.Task;
    }

    private async Task CloseAndSignalAsync()
    {
        try
        {
            await CloseCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            _closedSignal.TrySetResult();
        }
    }

    private async Task CloseCoreAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        if (!await WriteAndShrinkWithinFlushTimeoutAsync().ConfigureAwait(false))
        {
            // The writer stops waiting for another process's lock; what it has not taken is dropped.
            var pending = _writes.Count;
            await _closing.CancelAsync().ConfigureAwait(false);
            _writes.Close();
            Log.NotFlushed(_logger, pending, _clientName);
        }
        else
        {
            _writes.Close();
        }

        // The statement the writer is in ends, within the margin.
        try
        {
            await s_margin.ExecuteAsync(
                static async (store, ct) => await store._writes.WhenIdleAsync(ct).ConfigureAwait(false),
                this,
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            // It goes on alone; its session is closed when it returns it (the file is closed by then).
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        lock (_lock)
        {
            _disposed = true;
            _file?.Dispose();
            _file = null;
        }

        _front?.Clear();
    }

    /// <summary>
    /// Within <c>FlushTimeout</c>: the queue written, the access times, the free pages given back, the WAL truncated.
    /// <see langword="false"/> when the time ran out before the queue was written.
    /// </summary>
    private async Task<bool> WriteAndShrinkWithinFlushTimeoutAsync()
    {
        if (_closeTimeout is null)
        {
            return _writes.Count == 0;
        }

        try
        {
            await _closeTimeout.ExecuteAsync(
                static async (store, ct) =>
                {
                    await store._writes.FlushAsync(ct).ConfigureAwait(false);
                    store.FlushTouches(ct);

                    // At rest within the bound: free pages given back, the WAL emptied (a file never opened is left alone).
                    if (Volatile.Read(ref store._file) is not null)
                    {
                        store.Run("shrink", session => session.Shrink(), ct);
                        store.Run("checkpoint", session => session.TruncateWal(), false, ct);
                    }
                },
                this,
                CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutRejectedException)
        {
            return _writes.Count == 0;
        }
    }
}
