using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>Log messages of the distributed HTTP cache (event ids 600-699). Keys are logged hashed; URIs never.</summary>
internal static partial class Log
{
    [LoggerMessage(600, LogLevel.Warning,
        "An entry in the distributed HTTP cache of client '{ClientName}' cannot be read ({Reason}); treating it as a miss. Key: {Key}.")]
    public static partial void EntryUnreadable(ILogger logger, string clientName, string reason, string key);

    [LoggerMessage(601, LogLevel.Warning,
        "The distributed HTTP cache of client '{ClientName}' failed to {Operation} ({Reason}); bypassing it for {BreakMilliseconds} ms, requests go on without it.")]
    public static partial void StoreFailed(ILogger logger, Exception? exception, string clientName, string operation, string reason, long breakMilliseconds);

    [LoggerMessage(602, LogLevel.Information,
        "The distributed HTTP cache of client '{ClientName}' answers again; using it again.")]
    public static partial void StoreRecovered(ILogger logger, string clientName);

    [LoggerMessage(603, LogLevel.Debug,
        "Skipped a {Operation} on the distributed HTTP cache of client '{ClientName}': it is bypassed after a failure.")]
    public static partial void StoreBypassed(ILogger logger, string clientName, string operation);

    [LoggerMessage(604, LogLevel.Warning,
        "More than {Limit} invalidations of client '{ClientName}' wait for the distributed cache to come back; dropping the oldest ones, whose entries may be served until they expire.")]
    public static partial void PendingRemovalsDropped(ILogger logger, string clientName, int limit);

    [LoggerMessage(605, LogLevel.Information,
        "Replayed {Count} invalidations of client '{ClientName}' that the distributed cache missed while it was unavailable.")]
    public static partial void PendingRemovalsReplayed(ILogger logger, string clientName, int count);

    [LoggerMessage(606, LogLevel.Debug,
        "Read {Variants} stored response(s), {Bytes} bytes, for client '{ClientName}' from the distributed cache.")]
    public static partial void ReadFromStore(ILogger logger, int variants, int bytes, string clientName);

    [LoggerMessage(607, LogLevel.Warning,
        "Not writing an entry of client '{ClientName}' to the distributed cache: {Reason}.")]
    public static partial void NotWritten(ILogger logger, Exception? exception, string clientName, string reason);

    [LoggerMessage(608, LogLevel.Debug,
        "The distributed HTTP cache of client '{ClientName}' is connected (warm-up done).")]
    public static partial void WarmedUp(ILogger logger, string clientName);

    [LoggerMessage(609, LogLevel.Warning,
        "The distributed HTTP cache of client '{ClientName}' did not answer its first call ({Reason}); requests go on, each call bounded by the operation timeout.")]
    public static partial void WarmUpFailed(ILogger logger, Exception? exception, string clientName, string reason);

    [LoggerMessage(610, LogLevel.Warning,
        "The distributed HTTP cache of client '{ClientName}' did not take an invalidation mark (a cache group, or the queries of a URI): this instance honours it, other instances may serve the invalidated responses until they expire.")]
    public static partial void MarkNotWritten(ILogger logger, string clientName);
}
