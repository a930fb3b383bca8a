using System.Diagnostics;
using System.Globalization;

namespace StatusAwareHttp.Internal;

/// <summary>
/// The one <see cref="ActivitySource"/> of the library, named <c>StatusAwareHttp</c>: one span per logical request
/// (made by <see cref="TracingHandler"/>, outermost, of kind Internal: the Client spans are those of the requests on
/// the wire), with an event per redirect hop and per retry. Tag names follow the OpenTelemetry HTTP semantic conventions.
/// </summary>
internal static class StatusAwareTracing
{
    public const string SourceName = "StatusAwareHttp";

    public const string RedirectEvent = "statusawarehttp.redirect";
    public const string RetryEvent = "statusawarehttp.retry";
    public const string QuotaWaitEvent = "statusawarehttp.quota_wait";
    public const string IdempotencyKeyTag = "http.request.header.idempotency-key";

    public const string Method = "http.request.method";
    public const string UrlFull = "url.full";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string StatusCode = "http.response.status_code";
    public const string ErrorType = "error.type";
    public const string ResendCount = "http.request.resend_count";
    public const string CacheStatus = "http.response.header.cache-status";
    public const string CacheHit = "statusawarehttp.cache.hit";
    public const string CacheForward = "statusawarehttp.cache.fwd";
    public const string ClientName = "statusawarehttp.client";
    public const string DeprecationDate = "statusawarehttp.deprecation.date";
    public const string SunsetDate = "statusawarehttp.sunset.date";
    public const string DeprecationLinks = "statusawarehttp.deprecation.links";
    public const string SunsetLinks = "statusawarehttp.sunset.links";
    public const string SuccessorVersionLinks = "statusawarehttp.successor_version.links";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Adds a redirect hop to the logical request's span, if it is being recorded.</summary>
    public static void RedirectFollowed(int status, Uri target, int hop)
    {
        if (Current() is not { } activity)
        {
            return;
        }

        activity.AddEvent(new ActivityEvent(RedirectEvent, tags: new ActivityTagsCollection
        {
            [StatusCode] = status,
            [UrlFull] = UriRedaction.Redact(target),
            ["statusawarehttp.redirect.hop"] = hop,
        }));
        CountResend(activity);
    }

    /// <summary>Adds a retry to the logical request's span, if it is being recorded.</summary>
    public static void Retrying(string reason, int status, int attempt, TimeSpan delay)
    {
        if (Current() is not { } activity)
        {
            return;
        }

        var tags = new ActivityTagsCollection
        {
            ["statusawarehttp.retry.reason"] = reason,
            ["statusawarehttp.retry.attempt"] = attempt,
            ["statusawarehttp.retry.delay_ms"] = delay.TotalMilliseconds,
        };
        if (status != 0)
        {
            tags[StatusCode] = status;
        }

        activity.AddEvent(new ActivityEvent(RetryEvent, tags: tags));
        CountResend(activity);
    }

    /// <summary>Adds the wait for an announced quota (RateLimit fields) to the logical request's span, if it is being recorded.</summary>
    public static void QuotaWaited(TimeSpan waited) =>
        Current()?.AddEvent(new ActivityEvent(QuotaWaitEvent, tags: new ActivityTagsCollection { ["statusawarehttp.quota.wait_ms"] = waited.TotalMilliseconds }));

    /// <summary>
    /// Tags the logical request's span, if it is being recorded, with a deprecation notice: the dates in ISO 8601
    /// (RFC 9745, RFC 8594) and the links without their query. A later hop's notice replaces an earlier one's.
    /// </summary>
    public static void Deprecation(DeprecationNotice notice)
    {
        if (Current() is not { } activity)
        {
            return;
        }

        activity.SetTag(DeprecationDate, notice.DeprecationDate?.ToString("o", CultureInfo.InvariantCulture));
        activity.SetTag(SunsetDate, notice.SunsetDate?.ToString("o", CultureInfo.InvariantCulture));
        activity.SetTag(DeprecationLinks, Redacted(notice.DeprecationLinks));
        activity.SetTag(SunsetLinks, Redacted(notice.SunsetLinks));
        activity.SetTag(SuccessorVersionLinks, Redacted(notice.SuccessorVersionLinks));
    }

    private static string[]? Redacted(IReadOnlyList<Uri> links) => links.Count == 0 ? null : links.Select(UriRedaction.Redact).ToArray();

    /// <summary>Tags the logical request's span with its <c>Idempotency-Key</c>, if it is being recorded.</summary>
    public static void IdempotencyKey(string key) => Current()?.SetTag(IdempotencyKeyTag, key);

    /// <summary>The span of the logical request around the caller: the nearest ancestor made by <see cref="Source"/>.</summary>
    private static Activity? Current()
    {
        for (var activity = Activity.Current; activity is not null; activity = activity.Parent)
        {
            if (ReferenceEquals(activity.Source, Source))
            {
                return activity.IsAllDataRequested ? activity : null;
            }
        }

        return null;
    }

    private static void CountResend(Activity activity)
    {
        var count = activity.GetTagItem(ResendCount) is int previous ? previous + 1 : 1;
        activity.SetTag(ResendCount, count);
    }

    /// <summary>The <c>error.type</c> of a failure: the exception's full type name.</summary>
    public static string ErrorTypeOf(Exception exception) => exception.GetType().FullName ?? exception.GetType().Name;

    /// <summary>The <c>fwd</c> token of RFC 9211 §2.2 for a reason (<c>other</c> for one it does not define).</summary>
    public static string ForwardText(HttpCacheForwardReason reason) => reason switch
    {
        HttpCacheForwardReason.Bypass => "bypass",
        HttpCacheForwardReason.Method => "method",
        HttpCacheForwardReason.UriMiss => "uri-miss",
        HttpCacheForwardReason.VaryMiss => "vary-miss",
        HttpCacheForwardReason.Miss => "miss",
        HttpCacheForwardReason.Request => "request",
        HttpCacheForwardReason.Stale => "stale",
        HttpCacheForwardReason.Partial => "partial",
        _ => "other",
    };

    public static string StatusText(int status) => status.ToString(CultureInfo.InvariantCulture);
}
