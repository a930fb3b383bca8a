using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Authentication.Internal;

/// <summary>Log messages of the authentication handler (event ids 450-499). URIs without query; credentials never.</summary>
internal static partial class Log
{
    [LoggerMessage(450, LogLevel.Debug, "Answering the 401 from {Uri} with {Scheme} credentials (answer {Attempt}).")]
    public static partial void Answering(ILogger logger, string uri, string scheme, int attempt);

    [LoggerMessage(451, LogLevel.Information, "Handing back the 401 from {Uri}: {Scheme} {Reason}.")]
    public static partial void NotAnswered(ILogger logger, string uri, string scheme, string reason);

    [LoggerMessage(452, LogLevel.Warning, "Not answering the Basic challenge of {Uri}: it would send the password in clear over http to a host that is not the loopback. Use https, or set Authentication.AllowBasicOverHttp.")]
    public static partial void BasicOverHttpRefused(ILogger logger, string uri);

    [LoggerMessage(453, LogLevel.Information, "Handing back the 401 from {Uri}: the credentials belong to {Origin}, the origin the request was sent to, not to this one.")]
    public static partial void OtherOrigin(ILogger logger, string uri, string origin);

    [LoggerMessage(454, LogLevel.Warning, "Handing back the 401 from {Uri}: the request body cannot be sent again (a one-shot stream).")]
    public static partial void BodyNotResendable(ILogger logger, string uri);

    [LoggerMessage(455, LogLevel.Information, "Handing back the 401 from {Uri}: the same credentials were already refused for this request.")]
    public static partial void SameCredentials(ILogger logger, string uri);

    [LoggerMessage(456, LogLevel.Information, "Handing back the 401 from {Uri}: {Count} answers is Authentication.MaxChallengeResponses.")]
    public static partial void LimitReached(ILogger logger, string uri, int count);

    [LoggerMessage(457, LogLevel.Warning, "Handing back the 401 from {Uri}: the {Scheme} answer would carry bytes a request header cannot (the challenge or the user name holds non-ASCII characters).")]
    public static partial void ChallengeNotSendable(ILogger logger, string uri, string scheme);
}
