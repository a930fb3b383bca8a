using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Deprecation.Internal;

/// <summary>Log messages of the deprecation notices (event ids 900-919). Routes and links are logged without query.</summary>
internal static partial class Log
{
    [LoggerMessage(900, LogLevel.Warning, "{Method} {Route} is deprecated: Deprecation {Deprecation}, Sunset {Sunset}, deprecation links {DeprecationLinks}, sunset links {SunsetLinks}, successor versions {SuccessorVersions}. Said once per client, method and route.")]
    public static partial void Deprecated(ILogger logger, string method, string route, string deprecation, string sunset, string deprecationLinks, string sunsetLinks, string successorVersions);

    [LoggerMessage(901, LogLevel.Warning, "{Method} {Route} announces a Sunset ({Sunset}) earlier than its Deprecation ({Deprecation}), which RFC 9745 §4 forbids: ask the resource's developer which is meant.")]
    public static partial void SunsetBeforeDeprecation(ILogger logger, string method, string route, string sunset, string deprecation);

    [LoggerMessage(902, LogLevel.Error, "{Method} {Route} answered after its sunset ({Sunset}); Deprecation.FailAfterSunset throws SunsetPassedException.")]
    public static partial void SunsetPassed(ILogger logger, string method, string route, string sunset);
}
