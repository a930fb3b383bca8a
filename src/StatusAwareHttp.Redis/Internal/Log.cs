using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>The farm coordination's log messages (event ids 800 to 819); never a URL's path or query, never a credential.</summary>
internal static partial class Log
{
    [LoggerMessage(800, LogLevel.Warning, "Farm coordination of HttpClient '{Client}': a Redis {Operation} failed; this instance decides alone.")]
    public static partial void CallFailed(ILogger logger, string client, string operation, Exception exception);

    [LoggerMessage(801, LogLevel.Warning, "Farm coordination of HttpClient '{Client}': Redis is left alone for {BreakDuration} after failed calls ({Operation}); each instance decides alone meanwhile.")]
    public static partial void CircuitOpened(ILogger logger, string client, string operation, TimeSpan breakDuration, Exception? exception);

    [LoggerMessage(802, LogLevel.Information, "Farm coordination of HttpClient '{Client}': Redis answers again.")]
    public static partial void CircuitClosed(ILogger logger, string client);

    [LoggerMessage(803, LogLevel.Warning, "Farm coordination of HttpClient '{Client}': waited {WaitTime} for another instance's lease; going to the origin alone.")]
    public static partial void WaitTimedOut(ILogger logger, string client, TimeSpan waitTime);

    [LoggerMessage(804, LogLevel.Information, "Farm coordination of HttpClient '{Client}': origin {Origin} is held for {Hold} by another instance's {Status}.")]
    public static partial void RemoteGate(ILogger logger, string client, string origin, TimeSpan hold, int status);

    [LoggerMessage(805, LogLevel.Debug, "Farm coordination of HttpClient '{Client}': a lease is held by another instance; waiting for it.")]
    public static partial void Waiting(ILogger logger, string client);

    [LoggerMessage(806, LogLevel.Information, "Farm coordination of HttpClient '{Client}': subscribed to channel {Channel}.")]
    public static partial void Subscribed(ILogger logger, string client, string channel);

    [LoggerMessage(807, LogLevel.Debug, "Farm coordination of HttpClient '{Client}': ignored a gate message that could not be read.")]
    public static partial void BadMessage(ILogger logger, string client);

    [LoggerMessage(808, LogLevel.Warning, "Farm coordination of HttpClient '{Client}': Redis at {Host} cannot be reached (not connected within the operation timeout, or the connection was lost); this instance decides alone until it answers.")]
    public static partial void Unreachable(ILogger logger, string client, string host, Exception? exception);

    [LoggerMessage(809, LogLevel.Information, "Farm coordination of HttpClient '{Client}': Redis at {Host} answers; coordinating again.")]
    public static partial void Reachable(ILogger logger, string client, string host);

    [LoggerMessage(810, LogLevel.Debug, "Farm coordination of HttpClient '{Client}': Redis is left alone (open circuit); this {Operation} decides alone.")]
    public static partial void LeftAlone(ILogger logger, string client, string operation);

    [LoggerMessage(811, LogLevel.Information, "Farm coordination of HttpClient '{Client}': took over a lease {Reason}.")]
    public static partial void TookOver(ILogger logger, string client, string reason);
}
