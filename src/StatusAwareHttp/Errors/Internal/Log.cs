using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Errors.Internal;

/// <summary>Log messages of the typed errors and the 505 fallback (event ids 400-449). URIs are logged without query.</summary>
internal static partial class Log
{
    [LoggerMessage(400, LogLevel.Debug, "{Method} {Uri} answered {StatusCode}: HttpStatusException with {ExcerptBytes} bytes of body excerpt (problem details: {HasProblem}).")]
    public static partial void StatusError(ILogger logger, string method, string uri, int statusCode, int excerptBytes, bool hasProblem);

    [LoggerMessage(401, LogLevel.Information, "{Method} {Uri} was answered 505 over HTTP/{Version}; sending it again as HTTP/1.1.")]
    public static partial void VersionFallback(ILogger logger, string method, string uri, string version);

    [LoggerMessage(402, LogLevel.Warning, "{Method} {Uri} was answered 505 over HTTP/{Version}, but its body cannot be sent again (a one-shot stream), so the 505 is handed back.")]
    public static partial void VersionFallbackBodyNotResendable(ILogger logger, string method, string uri, string version);

    [LoggerMessage(403, LogLevel.Debug, "{StatusCode} from {Uri} had content that must be empty; it was replaced by empty content.")]
    public static partial void EmptiedContent(ILogger logger, int statusCode, string uri);
}
