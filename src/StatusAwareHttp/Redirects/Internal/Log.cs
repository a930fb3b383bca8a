using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Redirects.Internal;

/// <summary>Log messages of the redirect handler (event ids 100-199). URIs are logged without query.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Debug, "Following {StatusCode} from {From} to {To} as {Method} (hop {Hop}).")]
    public static partial void Following(ILogger logger, int statusCode, string from, string to, string method, int hop);

    [LoggerMessage(101, LogLevel.Warning, "Not following {StatusCode} from {From}: the redirect goes from https to http ({To}). Set Redirects.AllowHttpsToHttp to follow it.")]
    public static partial void HttpsToHttpRefused(ILogger logger, int statusCode, string from, string to);

    [LoggerMessage(102, LogLevel.Warning, "Not following {StatusCode} from {From}: the request body cannot be sent again (a one-shot stream), so the redirect is handed back.")]
    public static partial void BodyNotResendable(ILogger logger, int statusCode, string from);

    [LoggerMessage(103, LogLevel.Debug, "Not following {StatusCode} from {From}: no usable Location.")]
    public static partial void NoUsableLocation(ILogger logger, int statusCode, string from);

    [LoggerMessage(104, LogLevel.Debug, "Not following {StatusCode} from {From} to {To}: vetoed by Redirects.ShouldFollow.")]
    public static partial void Vetoed(ILogger logger, int statusCode, string from, string to);

    [LoggerMessage(105, LogLevel.Warning, "Stopped a redirect chain after {Hops} hops: {Reason}.")]
    public static partial void ChainStopped(ILogger logger, int hops, string reason);

    [LoggerMessage(106, LogLevel.Debug, "Dropped credential headers on a redirect from {From} to another origin ({To}).")]
    public static partial void CredentialsDropped(ILogger logger, string from, string to);
}
