using Microsoft.Data.Sqlite;
using Polly;
using Polly.Retry;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The wait for a lock another process holds: each try waits <see cref="SqliteFileBounds.BusySlice"/> in SQLite, then
/// Polly retries (10 ms growing to 100 ms, with jitter) until <c>BusyTimeout</c> (a Polly timeout) or the caller's
/// token (the store's disposal) ends it. The delays are real time, whatever clock the cache runs on: they wait for
/// another process.
/// </summary>
internal static class SqliteBusyRetry
{
    /// <summary>Whether <paramref name="ex"/> says another connection holds the lock.</summary>
    public static bool IsBusy(SqliteException ex) => (ex.SqliteErrorCode & 0xFF) is 5 /* BUSY */ or 6 /* LOCKED */;

    /// <summary>The pipeline for <paramref name="busyTimeout"/>; at or below one slice, a single try.</summary>
    public static ResiliencePipeline Create(TimeSpan busyTimeout)
    {
        if (busyTimeout <= SqliteFileBounds.BusySlice)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder()
            .AddTimeout(busyTimeout)
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<SqliteException>(IsBusy),
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromMilliseconds(10),
                MaxDelay = TimeSpan.FromMilliseconds(100),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
    }
}
