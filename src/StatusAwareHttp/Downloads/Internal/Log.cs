using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Downloads.Internal;

/// <summary>Log messages of downloads (event ids 500-599). URIs are logged without query.</summary>
internal static partial class Log
{
    [LoggerMessage(500, LogLevel.Debug, "Downloading {Uri} from byte 0.")]
    public static partial void Starting(ILogger logger, string uri);

    [LoggerMessage(501, LogLevel.Debug, "Resuming {Uri} from byte {Offset} with If-Range {Validator}.")]
    public static partial void Resuming(ILogger logger, string uri, long offset, string validator);

    [LoggerMessage(502, LogLevel.Information, "Restarting {Uri} from byte 0, discarding {Discarded} bytes: {Reason}.")]
    public static partial void Restarting(ILogger logger, string uri, long discarded, string reason);

    [LoggerMessage(503, LogLevel.Warning, "The connection for {Uri} dropped at byte {Offset}; retry {Attempt} in {Delay}.")]
    public static partial void ConnectionDropped(ILogger logger, string uri, long offset, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(504, LogLevel.Debug, "Downloaded {Uri}: {Length} bytes, {Fetched} fetched, {Requests} requests.")]
    public static partial void Completed(ILogger logger, string uri, long length, long fetched, int requests);

    [LoggerMessage(505, LogLevel.Debug, "{Uri} was already whole: the server answered 416 with complete length {Length}.")]
    public static partial void AlreadyComplete(ILogger logger, string uri, long length);

    [LoggerMessage(506, LogLevel.Warning, "Download of {Uri} stopped: {Reason} (status {StatusCode}).")]
    public static partial void Failed(ILogger logger, string uri, string reason, int statusCode);

    [LoggerMessage(507, LogLevel.Warning, "Download of {Uri} gave up at byte {Offset} after {Requests} requests; the partial file can be resumed later.")]
    public static partial void GaveUp(ILogger logger, string uri, long offset, int requests, Exception exception);

    [LoggerMessage(508, LogLevel.Debug, "Download of {Uri} cancelled at byte {Offset}; the partial file can be resumed later.")]
    public static partial void Cancelled(ILogger logger, string uri, long offset);

    [LoggerMessage(509, LogLevel.Debug, "{Uri} cannot be resumed later: the server sent no strong validator (or Accept-Ranges: none, or a content coding).")]
    public static partial void NotResumable(ILogger logger, string uri);
}
