using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// Log messages of the application's overrides of the cache: request modes, URL rules, the offline switch and the
/// inspection API (event ids 250-269). URIs are logged without query; credentials never.
/// </summary>
internal static partial class ControlLog
{
    [LoggerMessage(250, LogLevel.Debug, "Served {Uri} from storage under {Detail} (age {AgeSeconds} s, {TtlSeconds} s of freshness left).")]
    public static partial void ServedByOverride(ILogger logger, string uri, string detail, long ageSeconds, long ttlSeconds);

    [LoggerMessage(251, LogLevel.Debug, "Answered 504 for {Uri} under {Detail}: nothing usable is stored and the network is not used.")]
    public static partial void GatewayTimeout(ILogger logger, string uri, string detail);

    [LoggerMessage(252, LogLevel.Debug, "{Uri} bypasses the cache (cache mode no-store).")]
    public static partial void Bypassed(ILogger logger, string uri);

    [LoggerMessage(253, LogLevel.Debug, "{Uri} goes to the origin under cache mode {Detail}.")]
    public static partial void Forwarded(ILogger logger, string uri, string detail);

    [LoggerMessage(255, LogLevel.Information, "The network is unreachable for {Uri}; serving the stored response ({StaleSeconds} s past its freshness).")]
    public static partial void ServedUnreachable(ILogger logger, string uri, long staleSeconds);

    [LoggerMessage(256, LogLevel.Information, "The HTTP cache of client {ClientName} is now {State}.")]
    public static partial void OfflineSwitched(ILogger logger, string clientName, string state);

    [LoggerMessage(257, LogLevel.Information, "Removed {Count} cache keys of client {ClientName} ({Operation}).")]
    public static partial void Removed(ILogger logger, int count, string clientName, string operation);
}
