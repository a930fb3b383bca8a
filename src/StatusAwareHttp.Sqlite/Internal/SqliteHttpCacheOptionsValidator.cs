using Microsoft.Extensions.Options;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>Checks <see cref="SqliteHttpCacheOptions"/> at start-up, each rule with the value it found.</summary>
internal sealed class SqliteHttpCacheOptionsValidator : IValidateOptions<SqliteHttpCacheOptions>
{
    /// <summary>The largest array .NET makes, and so the largest body a store can hand back.</summary>
    public const long MaxArrayBytes = 2147483591;

    public ValidateOptionsResult Validate(string? name, SqliteHttpCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Path is { } path && (path.Trim().Length == 0 || path.AsSpan().IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0))
        {
            failures.Add("Path must be a file path (or null for the per-user default); it is empty or has invalid characters.");
        }

        Check(failures, nameof(options.MaxTotalBytes), options.MaxTotalBytes, 1024 * 1024, 1L << 62);
        Check(failures, nameof(options.MaxEntryBytes), options.MaxEntryBytes, 1024, MaxArrayBytes);
        Check(failures, nameof(options.MemoryFrontMaxBytes), options.MemoryFrontMaxBytes, 1024, 1L << 62);
        Check(failures, nameof(options.MemoryFrontLifetime), options.MemoryFrontLifetime, TimeSpan.Zero, TimeSpan.FromHours(1));
        Check(failures, nameof(options.BusyTimeout), options.BusyTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Check(failures, nameof(options.BypassDuration), options.BypassDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Check(failures, nameof(options.MaxPendingWriteBytes), options.MaxPendingWriteBytes, 64 * 1024, 1L << 62);
        Check(failures, nameof(options.MaxPendingWrites), options.MaxPendingWrites, 1, 1024 * 1024);
        Check(failures, nameof(options.FlushTimeout), options.FlushTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string name, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{name} must be from {min} to {max}; it is {value}.");
        }
    }

    private static void Check(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{name} must be from {min} to {max}; it is {value}.");
        }
    }
}
