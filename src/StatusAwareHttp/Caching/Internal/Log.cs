using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>Log messages of the HTTP cache (event ids 200-299). URIs are logged without query; credentials never.</summary>
internal static partial class Log
{
    [LoggerMessage(200, LogLevel.Debug, "Cache hit for {Uri} (age {AgeSeconds} s, {TtlSeconds} s of freshness left).")]
    public static partial void Hit(ILogger logger, string uri, long ageSeconds, long ttlSeconds);

    [LoggerMessage(201, LogLevel.Debug, "Cache miss for {Uri} ({Reason}).")]
    public static partial void Miss(ILogger logger, string uri, string reason);

    [LoggerMessage(202, LogLevel.Debug, "Revalidated {Uri}: 304, serving the stored {StatusCode}.")]
    public static partial void Revalidated(ILogger logger, string uri, int statusCode);

    [LoggerMessage(203, LogLevel.Debug, "Revalidating {Uri} returned a full {StatusCode} response.")]
    public static partial void RevalidationReplaced(ILogger logger, string uri, int statusCode);

    [LoggerMessage(204, LogLevel.Information, "Serving a stale response for {Uri} ({Reason}, {StaleSeconds} s past its freshness).")]
    public static partial void ServedStale(ILogger logger, string uri, string reason, long staleSeconds);

    [LoggerMessage(205, LogLevel.Debug, "Stored {StatusCode} for {Uri} ({Bytes} body bytes).")]
    public static partial void Stored(ILogger logger, string uri, int statusCode, int bytes);

    [LoggerMessage(206, LogLevel.Debug, "Not storing {StatusCode} for {Uri}: {Reason}.")]
    public static partial void NotStored(ILogger logger, string uri, int statusCode, string reason);

    [LoggerMessage(207, LogLevel.Warning, "The cache store failed to read an entry for {Uri}; treating it as a miss.")]
    public static partial void StoreReadFailed(ILogger logger, Exception exception, string uri);

    [LoggerMessage(208, LogLevel.Warning, "The cache store failed to {Operation} an entry for {Uri}.")]
    public static partial void StoreWriteFailed(ILogger logger, Exception exception, string operation, string uri);

    [LoggerMessage(209, LogLevel.Warning, "A stored entry for {Uri} cannot be read ({Reason}); treating it as a miss and removing it.")]
    public static partial void EntryUnreadable(ILogger logger, string uri, string reason);

    [LoggerMessage(210, LogLevel.Debug, "Invalidated the stored responses of {Uri} after {Method} answered {StatusCode}.")]
    public static partial void Invalidated(ILogger logger, string uri, string method, int statusCode);

    [LoggerMessage(211, LogLevel.Debug, "Request for {Uri} joined an identical request already on its way to the origin.")]
    public static partial void Coalesced(ILogger logger, string uri);

    [LoggerMessage(212, LogLevel.Debug, "Not storing the body of {Uri}: it is larger than Cache.MaxEntryBytes ({MaxEntryBytes}); streaming it through.")]
    public static partial void TooLarge(ILogger logger, string uri, long maxEntryBytes);

    [LoggerMessage(213, LogLevel.Debug, "Answered 504 for {Uri}: only-if-cached and nothing usable is stored.")]
    public static partial void OnlyIfCachedMiss(ILogger logger, string uri);

    [LoggerMessage(214, LogLevel.Debug, "Not storing the body of {Uri}: it was not read whole ({Reason}).")]
    public static partial void BodyIncomplete(ILogger logger, string uri, string reason);

    [LoggerMessage(215, LogLevel.Debug, "Revalidating {Uri} in the background (stale-while-revalidate).")]
    public static partial void BackgroundRevalidationStarted(ILogger logger, string uri);

    [LoggerMessage(216, LogLevel.Warning, "Background revalidation of {Uri} failed; the stale response stays stored.")]
    public static partial void BackgroundRevalidationFailed(ILogger logger, Exception exception, string uri);

    [LoggerMessage(217, LogLevel.Debug, "Not revalidating {Uri} in the background: {Reason}.")]
    public static partial void BackgroundRevalidationSkipped(ILogger logger, string uri, string reason);

    [LoggerMessage(218, LogLevel.Debug, "The 304 for {Uri} does not select the stored response (other validator); asking again without conditions.")]
    public static partial void NotModifiedMismatch(ILogger logger, string uri);

    [LoggerMessage(219, LogLevel.Debug, "Updated the stored response of {Uri} from a HEAD response.")]
    public static partial void FreshenedByHead(ILogger logger, string uri);

    [LoggerMessage(220, LogLevel.Debug, "A HEAD response for {Uri} shows the stored response is outdated; removed it.")]
    public static partial void OutdatedByHead(ILogger logger, string uri);

    [LoggerMessage(221, LogLevel.Debug, "Not looking up a query to {Uri}: its content has no media type, or is over Cache.MaxQueryContentBytes ({MaxQueryContentBytes}) or of unknown length; sending it as it is.")]
    public static partial void QueryNotKeyed(ILogger logger, string uri, long maxQueryContentBytes);

    [LoggerMessage(222, LogLevel.Debug, "Served bytes {First}-{Last} of {Length} of {Uri} from storage (206).")]
    public static partial void RangeHit(ILogger logger, string uri, long first, long last, long length);

    [LoggerMessage(223, LogLevel.Debug, "No range asked of {Uri} is within its {Length} stored bytes; answered 416 from storage.")]
    public static partial void RangeUnsatisfiable(ILogger logger, string uri, long length);

    [LoggerMessage(224, LogLevel.Debug, "Invalidated {Count} cache groups of the origin of {Uri} (Cache-Group-Invalidation).")]
    public static partial void GroupsInvalidated(ILogger logger, int count, string uri);

    [LoggerMessage(225, LogLevel.Warning, "The response for {Uri} invalidates {Count} cache groups, but the cache store cannot remove by group (it does not implement IHttpCacheStoreTags, or it failed); the groups' stored responses stay.")]
    public static partial void GroupsNotInvalidated(ILogger logger, string uri, int count);

    [LoggerMessage(290, LogLevel.Warning, "The farm coordination failed for {Uri}; this instance goes to the origin alone.")]
    public static partial void FarmLeaseFailed(ILogger logger, string uri, Exception exception);
}
