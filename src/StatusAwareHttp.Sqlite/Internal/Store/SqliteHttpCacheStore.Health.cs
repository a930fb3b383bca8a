using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The store's health: healthy while the file is in use within its bounds; degraded while it is bypassed after a
/// failure (the cache then answers from memory and the origin), or when its files (database, WAL and shared memory
/// together) are larger than <see cref="SqliteFileBounds.MaxFileBytes"/> allows.
/// </summary>
internal sealed partial class SqliteHttpCacheStore : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var bytes = FileBytes(Path) + FileBytes(Path + "-wal") + FileBytes(Path + "-shm");
        var bound = SqliteFileBounds.MaxFileBytes(_maxTotalBytes, _maxEntryBytes);
        var bypassed = IsBypassed;
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["store"] = "sqlite",
            ["path"] = Path,
            ["fileBytes"] = bytes,
            ["maxFileBytes"] = bound,
            ["maxTotalBytes"] = _maxTotalBytes,
            ["bypassed"] = bypassed,
        };
        if (bypassed)
        {
            var until = new DateTimeOffset(Interlocked.Read(ref _bypassedUntilTicks), TimeSpan.Zero);
            return Task.FromResult(HealthCheckResult.Degraded($"the cache file {Path} is bypassed after a failure until {until:u} (see the warning logged then)", data: data));
        }

        return Task.FromResult(bytes > bound
            ? HealthCheckResult.Degraded($"the cache file {Path} and its journal take {bytes} bytes, over their bound of {bound}", data: data)
            : HealthCheckResult.Healthy($"the cache file {Path} is in use", data));
    }

    private static long FileBytes(string path)
    {
        try
        {
            var file = new FileInfo(path);
            return file.Exists ? file.Length : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
