using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Internal;

/// <summary>
/// Log messages of the pipeline itself. Event ids are stable; each concern owns a range:
/// 1-99 pipeline, 100-199 redirects, 200-299 cache, 300-399 retries, 400-499 authentication and errors,
/// 500-599 downloads, 600-699 distributed cache.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning,
        "The primary handler of HttpClient '{ClientName}' is a {HandlerType}, whose own redirect following cannot be turned off here; if it follows 3xx itself, the redirect rules of StatusAwareHttp do not apply.")]
    public static partial void PrimaryHandlerUnknown(ILogger logger, string clientName, string handlerType);
}
