using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>Why a response is not stored.</summary>
internal enum StoreRefusal
{
    None,
    Unreadable,
    Status,
    PartialContent,
    NoStoreRequest,
    NoStoreResponse,
    SetCookie,
    VaryStar,
    NotCacheable,
    Useless,
    Rule,
}

/// <summary>What to do with a stored response that matched a request.</summary>
internal enum LookupAction
{
    /// <summary>Fresh: serve it without contacting the origin.</summary>
    Fresh,

    /// <summary>Stale, but the request accepts that much staleness (<c>max-stale</c>): serve it.</summary>
    ServeStale,

    /// <summary>Stale within <c>stale-while-revalidate</c>: serve it and revalidate in the background.</summary>
    StaleWhileRevalidate,

    /// <summary>Not usable as is: revalidate (or, without a validator, fetch anew).</summary>
    Revalidate,
}

/// <summary>Why the request goes to the origin (RFC 9211 <c>fwd</c>); written out only by <see cref="CacheStatus"/>.</summary>
internal enum ForwardReason
{
    /// <summary>The stored response is stale (or marked <c>no-cache</c>): <c>fwd=stale</c>.</summary>
    Stale,

    /// <summary>The request's directives demand it (<c>no-cache</c>, <c>max-age</c>, <c>min-fresh</c>): <c>fwd=request</c>.</summary>
    Request,

    /// <summary>Nothing is stored for the URI: <c>fwd=uri-miss</c>.</summary>
    UriMiss,

    /// <summary>Responses are stored for the URI, but none matches the request's Vary fields: <c>fwd=vary-miss</c>.</summary>
    VaryMiss,
}

/// <summary>The decision for one stored response, with the ages it was made from.</summary>
internal readonly record struct LookupDecision(LookupAction Action, ForwardReason Reason, TimeSpan Age, TimeSpan Lifetime)
{
    /// <summary>Gets the remaining freshness (negative when stale), as RFC 9211 <c>ttl</c>.</summary>
    public TimeSpan TimeToLive => Lifetime - Age;

    /// <summary>Gets how long past its freshness the response is (negative while fresh).</summary>
    public TimeSpan Staleness => Age - Lifetime;
}

/// <summary>The heuristic-freshness settings the strategy needs from <see cref="CacheOptions"/>.</summary>
internal readonly record struct HeuristicSettings(double Fraction, TimeSpan Cap)
{
    public static HeuristicSettings From(CacheOptions options) => new(options.HeuristicFreshnessFraction, options.MaxHeuristicFreshness);
}

/// <summary>
/// The rules of RFC 9111 (storing, freshness, age, reuse, validation, invalidation) and RFC 5861 (stale content),
/// as pure functions of the parsed messages and <c>now</c>. No I/O, no clock.
/// </summary>
internal static class CacheStrategy
{
    /// <summary>The statuses a response may be stored for without explicit freshness (RFC 9110 §15.1); see <see cref="HttpStatusRules"/>.</summary>
    public static bool IsHeuristicallyCacheable(int status) => HttpStatusRules.IsHeuristicallyCacheable(status);

    /// <summary>The statuses whose caching rules this cache implements (for <c>must-understand</c>, §5.2.2.3).</summary>
    public static bool IsUnderstood(int status) => HttpStatusRules.IsHeuristicallyCacheable(status) || HttpStatusRules.IsFollowedRedirect(status);

    /// <summary>RFC 5861 §4: the errors a stale response may stand in for; see <see cref="HttpStatusRules"/>.</summary>
    public static bool IsStaleIfErrorStatus(int status) => HttpStatusRules.IsStaleIfErrorStatus(status);

    /// <summary>Why a response is not stored, in words, for the logs.</summary>
    public static string Describe(StoreRefusal refusal) => refusal switch
    {
        StoreRefusal.Unreadable => "a header line is not a valid field",
        StoreRefusal.Status => "its status is not stored",
        StoreRefusal.PartialContent => "206 Partial Content is never stored",
        StoreRefusal.NoStoreRequest => "the request said no-store",
        StoreRefusal.NoStoreResponse => "the response said no-store",
        StoreRefusal.SetCookie => "it sets a cookie",
        StoreRefusal.VaryStar => "Vary: * never matches",
        StoreRefusal.NotCacheable => "no explicit freshness and a status not cacheable by default",
        StoreRefusal.Rule => "a cache rule forbids storing it",
        _ => "it could never be used (no freshness, no validator)",
    };

    /// <summary>
    /// RFC 9110 §9.2.1: methods that are safe, and QUERY (RFC 10008 §2: safe with regard to the target resource); every
    /// other method (including unknown ones) invalidates (§4.4). A POST the application marked as a query never comes here.
    /// </summary>
    public static bool IsSafe(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Trace || method == HttpMethod.Query;

    /// <summary>§4.4: a non-error response (2xx, 3xx) to an unsafe method invalidates.</summary>
    public static bool Invalidates(HttpMethod method, int status) => !IsSafe(method) && status is >= 200 and < 400;

    /// <summary>Whether a response to GET may be stored (§3), given its parsed headers and the request's directives.</summary>
    public static StoreRefusal CanStore(ResponseFields response, in CacheDirectives request, TimeSpan lifetime)
    {
        var status = response.StatusCode;
        var cc = response.CacheControl;

        // A line that is not a header cannot be served back.
        if (response.Unreadable is not null)
        {
            return StoreRefusal.Unreadable;
        }

        // §3.4: no partial storage; a 206 is never stored.
        if (status == 206)
        {
            return StoreRefusal.PartialContent;
        }

        // §3: only final responses; a 304 only updates what is stored (§4.3.4).
        if (status is < 200 or 304)
        {
            return StoreRefusal.Status;
        }

        // §5.2.1.5: no-store in the request.
        if (request.NoStore)
        {
            return StoreRefusal.NoStoreRequest;
        }

        // §5.2.2.3: must-understand on a status we do not implement is not stored, whatever else it says.
        if (cc.MustUnderstand && !IsUnderstood(status))
        {
            return StoreRefusal.Status;
        }

        // §5.2.2.5: no-store, unless must-understand overrides it for an understood status (§5.2.2.3).
        if (cc.NoStore && !cc.MustUnderstand)
        {
            return StoreRefusal.NoStoreResponse;
        }

        // One HttpClient serves many users in a server app: a response that sets a cookie is never replayed.
        if (response.HasSetCookie)
        {
            return StoreRefusal.SetCookie;
        }

        // §4.1: Vary: * never matches, so storing it is useless.
        if (response.VaryStar)
        {
            return StoreRefusal.VaryStar;
        }

        // §3: explicit freshness or cacheability (public, private in a private cache, max-age, Expires), or a status
        // that is heuristically cacheable. s-maxage counts only in shared caches (§5.2.2.10).
        var explicitlyCacheable = cc.Public || cc.Private || cc.MaxAge != CacheDirectives.Absent || response.HasExpires;
        if (!explicitlyCacheable && !IsHeuristicallyCacheable(status))
        {
            return StoreRefusal.NotCacheable;
        }

        // A response that is never fresh, has no validator and no stale window could never be used.
        var staleWindow = Seconds(cc.StaleWhileRevalidate) > TimeSpan.Zero || Seconds(cc.StaleIfError) > TimeSpan.Zero;
        if (!response.HasValidator && (cc.NoCache || (lifetime <= TimeSpan.Zero && !staleWindow)))
        {
            return StoreRefusal.Useless;
        }

        return StoreRefusal.None;
    }

    /// <summary>
    /// What <see cref="CanStore"/> would answer, told from the status and the two <c>Cache-Control</c> values alone:
    /// <see cref="StoreRefusal.NoStoreResponse"/> for a response that says no-store (most responses never stored), or
    /// <see cref="StoreRefusal.None"/> when the response's other lines are needed to tell. The caller has checked that
    /// the lines are readable.
    /// </summary>
    public static StoreRefusal RefusalBeforeParsing(int status, in CacheDirectives request, in CacheDirectives response)
    {
        // CanStore's earlier rules (206, non-final or 304, the request's no-store, must-understand) need the full answer.
        if (status is 206 or < 200 or 304 || request.NoStore || response.MustUnderstand)
        {
            return StoreRefusal.None;
        }

        // §5.2.2.5: no-store.
        return response.NoStore ? StoreRefusal.NoStoreResponse : StoreRefusal.None;
    }

    /// <summary>The freshness lifetime (§4.2.1), with heuristic freshness (§4.2.2) when no explicit expiration is given.</summary>
    public static TimeSpan FreshnessLifetime(ResponseFields response, DateTimeOffset responseTime, HeuristicSettings heuristic)
    {
        var cc = response.CacheControl;

        // §5.2.2.4: no-cache means the stored response is never fresh: every use is validated.
        if (cc.NoCache)
        {
            return TimeSpan.Zero;
        }

        // §4.2.1: max-age first (s-maxage is for shared caches); an invalid or conflicting one makes the response stale.
        if (cc.MaxAge != CacheDirectives.Absent)
        {
            return cc.MaxAge == CacheDirectives.Invalid ? TimeSpan.Zero : TimeSpan.FromSeconds(cc.MaxAge);
        }

        // §4.2.1: Expires minus Date (the receive time without Date); §5.3: an invalid Expires is in the past.
        if (response.HasExpires)
        {
            if (response.Expires is not { } expires)
            {
                return TimeSpan.Zero;
            }

            var lifetime = expires - (response.Date ?? responseTime);
            return lifetime > TimeSpan.Zero ? lifetime : TimeSpan.Zero;
        }

        // §4.2.2: heuristic freshness, a fraction of the time since Last-Modified, capped.
        if (response.LastModified is not { } lastModified || heuristic.Fraction <= 0)
        {
            return TimeSpan.Zero;
        }

        var sinceModified = (response.Date ?? responseTime) - lastModified;
        if (sinceModified <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var heuristicLifetime = TimeSpan.FromTicks((long)(sinceModified.Ticks * heuristic.Fraction));
        return heuristicLifetime < heuristic.Cap ? heuristicLifetime : heuristic.Cap;
    }

    /// <summary>The current age of a stored response (§4.2.3).</summary>
    public static TimeSpan CurrentAge(ResponseFields response, DateTimeOffset requestTime, DateTimeOffset responseTime, DateTimeOffset now)
    {
        var dateValue = response.Date ?? responseTime;
        var apparentAge = Max(TimeSpan.Zero, responseTime - dateValue);
        var responseDelay = Max(TimeSpan.Zero, responseTime - requestTime);
        var correctedAgeValue = TimeSpan.FromSeconds(response.AgeSeconds) + responseDelay;
        var correctedInitialAge = Max(apparentAge, correctedAgeValue);
        var residentTime = Max(TimeSpan.Zero, now - responseTime);
        return correctedInitialAge + residentTime;
    }

    /// <summary>What to do with a stored response that matched the request (§4, §4.2, §5.2.1, RFC 5861 §3).</summary>
    public static LookupDecision Decide(HttpCacheEntry entry, in CacheDirectives request, DateTimeOffset now, HeuristicSettings heuristic)
    {
        var response = entry.Parsed;
        var lifetime = FreshnessLifetime(response, entry.ResponseTime, heuristic);
        var age = CurrentAge(response, entry.RequestTime, entry.ResponseTime, now);
        return Decide(response, request, age, lifetime);
    }

    /// <summary>The decision for given age and lifetime.</summary>
    public static LookupDecision Decide(ResponseFields response, in CacheDirectives request, TimeSpan age, TimeSpan lifetime)
    {
        var cc = response.CacheControl;

        // §5.2.2.4: a stored no-cache response is validated on every use.
        if (cc.NoCache)
        {
            return new(LookupAction.Revalidate, ForwardReason.Stale, age, lifetime);
        }

        // §5.2.1.4: no-cache in the request (or Pragma: no-cache without Cache-Control, §5.4).
        if (request.NoCache)
        {
            return new(LookupAction.Revalidate, ForwardReason.Request, age, lifetime);
        }

        // §5.2.1.1: the request accepts no response older than max-age (an invalid value accepts none).
        if (request.MaxAge != CacheDirectives.Absent && (request.MaxAge == CacheDirectives.Invalid || age > TimeSpan.FromSeconds(request.MaxAge)))
        {
            return new(LookupAction.Revalidate, ForwardReason.Request, age, lifetime);
        }

        if (lifetime > age)
        {
            // §5.2.1.3: min-fresh asks for that much freshness left (an invalid value cannot be satisfied).
            if (request.MinFresh != CacheDirectives.Absent
                && (request.MinFresh == CacheDirectives.Invalid || lifetime - age < TimeSpan.FromSeconds(request.MinFresh)))
            {
                return new(LookupAction.Revalidate, ForwardReason.Request, age, lifetime);
            }

            // §4.2: fresh.
            return new(LookupAction.Fresh, ForwardReason.Stale, age, lifetime);
        }

        var staleness = age - lifetime;

        // §5.2.2.2, §4.2.4: must-revalidate forbids serving it stale in any way.
        if (cc.MustRevalidate)
        {
            return new(LookupAction.Revalidate, ForwardReason.Stale, age, lifetime);
        }

        // RFC 5861 §3: within stale-while-revalidate, serve and refresh in the background.
        if (cc.StaleWhileRevalidate >= 0 && staleness <= TimeSpan.FromSeconds(cc.StaleWhileRevalidate))
        {
            return new(LookupAction.StaleWhileRevalidate, ForwardReason.Stale, age, lifetime);
        }

        // §5.2.1.2: the request accepts this much staleness (max-stale without a value: any).
        if (request.MaxStale != CacheDirectives.Absent && request.MaxStale != CacheDirectives.Invalid
            && (request.MaxStale == CacheDirectives.Unbounded || staleness <= TimeSpan.FromSeconds(request.MaxStale)))
        {
            return new(LookupAction.ServeStale, ForwardReason.Stale, age, lifetime);
        }

        // §4.3: stale; validate it.
        return new(LookupAction.Revalidate, ForwardReason.Stale, age, lifetime);
    }

    /// <summary>
    /// Whether the stored response may stand in for an error (a 500, 502, 503 or 504, or no answer at all) from the
    /// origin (RFC 5861 §4), given the decision that sent the request forward.
    /// </summary>
    public static bool CanServeStaleOnError(ResponseFields response, in CacheDirectives request, LookupDecision decision)
    {
        var cc = response.CacheControl;

        // §4.2.4: must-revalidate and no-cache forbid serving it unvalidated, even on error.
        if (cc.MustRevalidate || cc.NoCache)
        {
            return false;
        }

        // The caller demanded validation; only its own stale-if-error lets an old response through.
        if (decision.Reason == ForwardReason.Request && request.StaleIfError < 0)
        {
            return false;
        }

        // RFC 5861 §4: the window comes from the response or the request, whichever is longer.
        var window = Math.Max(cc.StaleIfError, request.StaleIfError);
        return window >= 0 && decision.Staleness <= TimeSpan.FromSeconds(window);
    }

    /// <summary>
    /// How long a set of variants can still be used (see <see cref="IHttpCacheStore.SetAsync"/>): <see langword="null"/>
    /// when one has a validator; otherwise the longest remaining freshness plus stale window.
    /// </summary>
    public static TimeSpan? TimeToLive(IReadOnlyList<HttpCacheEntry> entries, DateTimeOffset now, HeuristicSettings heuristic)
    {
        var longest = TimeSpan.Zero;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var response = entry.Parsed;
            if (response.HasValidator)
            {
                return null;
            }

            var cc = response.CacheControl;
            var window = Seconds(Math.Max(cc.StaleWhileRevalidate, cc.StaleIfError));
            var remaining = FreshnessLifetime(response, entry.ResponseTime, heuristic) - CurrentAge(response, entry.RequestTime, entry.ResponseTime, now) + window;
            longest = Max(longest, remaining);
        }

        return longest > TimeSpan.Zero ? longest : TimeSpan.FromSeconds(1);
    }

    /// <summary>
    /// §4.3.4: whether a 304 selects the stored response that was validated: by its strong ETag, a weak ETag by weak
    /// comparison, else Last-Modified; a 304 with no validator selects the one response that was validated.
    /// </summary>
    public static bool NotModifiedSelects(ResponseFields stored, ResponseFields notModified) =>
        NotModifiedSelects(stored, notModified.ETag, notModified.LastModified);

    /// <summary>§4.3.4, from the 304's validators alone (<see cref="ResponseFields.ReadValidators"/>).</summary>
    public static bool NotModifiedSelects(ResponseFields stored, string? etag, DateTimeOffset? lastModified)
    {
        if (etag is not null)
        {
            if (stored.ETag is not { } storedETag)
            {
                return false;
            }

            return IsWeak(etag) ? WeakEquals(etag, storedETag) : StrongEquals(etag, storedETag);
        }

        if (lastModified is not null)
        {
            return stored.LastModified == lastModified;
        }

        return true;
    }

    /// <summary>
    /// §4.3.5: whether a 200 to HEAD may update a stored GET response: every validator the HEAD response carries
    /// (ETag, Last-Modified) matches the stored one, and so does its <c>Content-Length</c> when it has one.
    /// Otherwise the stored response is to be considered stale.
    /// </summary>
    public static bool HeadResponseMatches(ResponseFields stored, int storedBodyLength, ResponseFields head)
    {
        if (head.ETag is { } etag && (stored.ETag is not { } storedETag || IsWeak(etag) != IsWeak(storedETag) || !WeakEquals(etag, storedETag)))
        {
            return false;
        }

        if (head.LastModifiedRaw is not null && head.LastModified != stored.LastModified)
        {
            return false;
        }

        return head.ContentLength is not { } length || length == storedBodyLength;
    }

    /// <summary>RFC 9110 §8.8.3.2 strong comparison: both strong and the same opaque-tag (quotes tolerated missing).</summary>
    public static bool StrongEquals(string a, string b) => !IsWeak(a) && !IsWeak(b) && Opaque(a).SequenceEqual(Opaque(b));

    /// <summary>RFC 9110 §8.8.3.2 weak comparison: the same opaque-tag, weak or not.</summary>
    public static bool WeakEquals(string a, string b) => Opaque(a).SequenceEqual(Opaque(b));

    private static bool IsWeak(string etag) => etag.StartsWith("W/", StringComparison.Ordinal);

    /// <summary>The opaque-tag without W/ and quotes; an unquoted ETag (not allowed, but seen) is taken as it is.</summary>
    private static ReadOnlySpan<char> Opaque(string etag)
    {
        var span = etag.AsSpan().Trim();
        if (span.StartsWith("W/", StringComparison.Ordinal))
        {
            span = span[2..];
        }

        if (span.Length >= 2 && span[0] == '"' && span[^1] == '"')
        {
            span = span[1..^1];
        }

        return span;
    }

    private static TimeSpan Seconds(long delta) => delta > 0 ? TimeSpan.FromSeconds(delta) : TimeSpan.Zero;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
