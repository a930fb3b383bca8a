using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace StatusAwareHttp;

/// <summary>Options of one download (<c>DownloadToFileAsync</c>, <c>DownloadToStreamAsync</c>).</summary>
public sealed class DownloadOptions
{
    /// <summary>Gets or sets where progress is reported. Default: <see langword="null"/> (no reports).</summary>
    public IProgress<DownloadProgress>? Progress { get; set; }

    /// <summary>
    /// Gets or sets the least time between two progress reports. Default: 100 ms. The final report is always sent,
    /// whatever the interval. <see cref="TimeSpan.Zero"/> reports after every write.
    /// </summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets how many times a dropped connection (an <see cref="IOException"/> or a transport
    /// <see cref="HttpRequestException"/>) is followed by another attempt that resumes from the last byte written.
    /// Default: 5. 0 turns automatic resumption off. Range: 0 to 100.
    /// </summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>
    /// Gets or sets the median delay before the first retry; later retries back off exponentially, with jitter.
    /// Default: 1 second. <see cref="TimeSpan.Zero"/> retries at once. Range: 0 to 1 day.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay between two retries. Default: 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the clock of the progress interval and of the retry delays. Default: <see langword="null"/>,
    /// which means <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Gets or sets where the download logs (event ids 500-599). Default: <see langword="null"/> (no logs).</summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// Gets or sets the meter factory that makes the <c>StatusAwareHttp</c> meter of the download counters. Default:
    /// <see langword="null"/>: a process-wide <c>StatusAwareHttp</c> meter owned by the library.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRetries, 100, nameof(MaxRetries));
        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "RetryDelay must be between 0 and 1 day.");
        }

        if (MaxRetryDelay < RetryDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryDelay), MaxRetryDelay, "MaxRetryDelay must not be shorter than RetryDelay.");
        }

        if (ProgressInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ProgressInterval), ProgressInterval, "ProgressInterval must not be negative.");
        }
    }
}
