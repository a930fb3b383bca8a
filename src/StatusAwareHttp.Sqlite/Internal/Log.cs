using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>Log messages of the SQLite HTTP cache store (event ids 700-799). Keys and URIs are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(700, LogLevel.Information,
        "The HTTP cache of client '{ClientName}' is kept in '{Path}' (the per-user default: no path was configured).")]
    public static partial void DefaultPath(ILogger logger, string clientName, string path);

    [LoggerMessage(701, LogLevel.Debug, "Opened the HTTP cache file '{Path}' of client '{ClientName}'.")]
    public static partial void Opened(ILogger logger, string path, string clientName);

    [LoggerMessage(702, LogLevel.Warning,
        "The HTTP cache file '{Path}' of client '{ClientName}' could not be used ({Reason}); moved it to '{MovedTo}' and started a new, empty one.")]
    public static partial void MovedAside(ILogger logger, string path, string clientName, string reason, string movedTo);

    [LoggerMessage(703, LogLevel.Warning,
        "The HTTP cache file '{Path}' of client '{ClientName}' failed to {Operation} ({Reason}); bypassing it for {BypassSeconds} s, requests go to the origin meanwhile.")]
    public static partial void Bypassed(ILogger logger, Exception? exception, string path, string clientName, string operation, string reason, long bypassSeconds);

    [LoggerMessage(704, LogLevel.Information, "The HTTP cache file '{Path}' of client '{ClientName}' works again; using it again.")]
    public static partial void Recovered(ILogger logger, string path, string clientName);

    [LoggerMessage(705, LogLevel.Information,
        "The HTTP cache file of client '{ClientName}' stayed locked by another process beyond the busy timeout; this {Operation} was skipped.")]
    public static partial void Busy(ILogger logger, string clientName, string operation);

    [LoggerMessage(706, LogLevel.Debug,
        "Evicted {Keys} keys from the HTTP cache file of client '{ClientName}': {TotalBytes} bytes are left of {MaxTotalBytes}.")]
    public static partial void Evicted(ILogger logger, int keys, string clientName, long totalBytes, long maxTotalBytes);

    [LoggerMessage(707, LogLevel.Debug,
        "Not writing an entry of {Bytes} bytes to the HTTP cache file of client '{ClientName}': it is over MaxEntryBytes ({MaxEntryBytes}).")]
    public static partial void TooLarge(ILogger logger, long bytes, string clientName, long maxEntryBytes);

    [LoggerMessage(708, LogLevel.Warning,
        "An entry in the HTTP cache file of client '{ClientName}' cannot be read; removed it, treating it as a miss.")]
    public static partial void EntryUnreadable(ILogger logger, string clientName);

    [LoggerMessage(709, LogLevel.Debug, "Read {Variants} stored response(s), {Bytes} body bytes, for client '{ClientName}' from the file.")]
    public static partial void ReadFromFile(ILogger logger, int variants, long bytes, string clientName);

    [LoggerMessage(710, LogLevel.Error, "The background writer of the HTTP cache file of client '{ClientName}' failed unexpectedly; the batch was not written.")]
    public static partial void WriterFailed(ILogger logger, Exception exception, string clientName);

    [LoggerMessage(711, LogLevel.Warning,
        "The HTTP cache file of client '{ClientName}' was closed with {Pending} write(s) not yet made: FlushTimeout ran out. They are not written; the file keeps what it had.")]
    public static partial void NotFlushed(ILogger logger, int pending, string clientName);

    [LoggerMessage(712, LogLevel.Warning,
        "The HTTP cache file '{Path}' of client '{ClientName}' failed to {Operation} twice ({Reason}); that call was skipped. The file stays in use while most calls on it succeed.")]
    public static partial void CallFailed(ILogger logger, Exception exception, string path, string clientName, string operation, string reason);

    [LoggerMessage(713, LogLevel.Warning,
        "A stored body in the HTTP cache file of client '{ClientName}' does not match the digest kept with it (torn or changed on disk); removed the entry, treating it as a miss.")]
    public static partial void BodyMismatch(ILogger logger, string clientName);
}
