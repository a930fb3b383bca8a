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

    [LoggerMessage(2, LogLevel.Warning,
        "HttpClient '{ClientName}' retries with StatusAwareHttp and also has a Polly resilience handler ({HandlerType}); both retry, so their attempts multiply (4 x 4 = 16 requests for one call). Keep one of the two: see \"With AddStandardResilienceHandler()\" in the README.")]
    public static partial void RetriesWithResilienceHandler(ILogger logger, string clientName, string handlerType);
}
