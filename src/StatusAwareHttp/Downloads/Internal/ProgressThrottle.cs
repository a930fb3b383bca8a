namespace StatusAwareHttp.Downloads.Internal;

/// <summary>Passes progress on at most once per interval (time from the <see cref="TimeProvider"/>); the final report always goes.</summary>
internal sealed class ProgressThrottle
{
    private readonly IProgress<DownloadProgress>? _progress;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private long _last;

    public ProgressThrottle(IProgress<DownloadProgress>? progress, TimeProvider time, TimeSpan interval)
    {
        _progress = progress;
        _time = time;
        _interval = interval;
        _last = time.GetTimestamp();
    }

    /// <summary>Reports when at least the interval has passed since the last report (or the start).</summary>
    public void Report(long bytes, long? total)
    {
        if (_progress is null)
        {
            return;
        }

        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(_last, now) >= _interval)
        {
            _last = now;
            _progress.Report(new DownloadProgress(bytes, total));
        }
    }

    /// <summary>Reports whatever the time.</summary>
    public void Final(long bytes, long? total) => _progress?.Report(new DownloadProgress(bytes, total));
}
