using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Digests.Internal;

/// <summary>Log messages of the digest checks (event ids 920-939). URIs are logged without query.</summary>
internal static partial class Log
{
    [LoggerMessage(920, LogLevel.Warning, "The body of {Uri} does not match its {Digest}: not stored, and the reader gets an IOException at the end of the body.")]
    public static partial void CachedBodyMismatch(ILogger logger, string uri, string digest);

    [LoggerMessage(921, LogLevel.Warning, "The resumed download of {Uri} does not match its Repr-Digest ({Digest}): downloading it again from byte 0.")]
    public static partial void ResumedDownloadMismatch(ILogger logger, string uri, string digest);
}
