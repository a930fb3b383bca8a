using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>The way an origin's answer came: it decides only what a 304 that selects nothing and an error do.</summary>
internal enum AnswerPath
{
    /// <summary>A GET the caller waits on: a miss, a refetch, or a revalidation in the foreground.</summary>
    Foreground,

    /// <summary>A stale-while-revalidate revalidation nobody waits on (RFC 5861 §3).</summary>
    Background,

    /// <summary>A HEAD, whose 200 may freshen a stored GET response it could stand for (RFC 9111 §4.3.5).</summary>
    Head,
}

/// <summary>What an origin's answer does to the stored entry it answers about.</summary>
internal enum AnswerEffect
{
    /// <summary>The stored entry, if any, stays as it is; nothing is stored.</summary>
    Keep,

    /// <summary>
    /// The answer is stored: a full response once its body was read whole (<see cref="AnswerOutcome.Lines"/>), an
    /// update (304, HEAD) at once (<see cref="AnswerOutcome.Entry"/>), in place of the stored entry.
    /// </summary>
    Store,

    /// <summary>The stored entry is removed: the origin answered anew with what cannot be stored, or it no longer describes the resource.</summary>
    Remove,

    /// <summary>The stored entry stays and stands in for the origin's error (RFC 5861 §4); the foreground only.</summary>
    ServeStale,

    /// <summary>The 304 selects no stored response (§4.3.4): the stored entry stays, and the caller asks again without conditions.</summary>
    Refetch,
}

/// <summary>
/// An origin's answer as data: its status (null when there was none: the connection failed), its header lines as
/// captured (null when a full response was refused before they were captured, with <paramref name="EarlyRefusal"/>
/// saying why), and the times of the exchange.
/// </summary>
/// <param name="Status">The status, or null when the request got no answer.</param>
/// <param name="Lines">The header lines (<see cref="CacheHeaders.Capture"/>), or null.</param>
/// <param name="EarlyRefusal">Why a full response is not stored, told before its lines were captured (<see cref="OriginAnswers.RefusalBeforeCapture"/>).</param>
/// <param name="RequestTime">When the request was sent (§4.2.3 <c>request_time</c>).</param>
/// <param name="ResponseTime">When the answer came (§4.2.3 <c>response_time</c>), or the failure.</param>
/// <param name="Fields">The lines' parsed view when the caller has it already; parsed here when needed otherwise.</param>
internal readonly record struct OriginAnswer(
    int? Status,
    IReadOnlyList<KeyValuePair<string, string>>? Lines,
    StoreRefusal EarlyRefusal,
    DateTimeOffset RequestTime,
    DateTimeOffset ResponseTime,
    ResponseFields? Fields = null)
{
    /// <summary>No answer: the request failed at <paramref name="now"/> (a connection failure, a timeout).</summary>
    public static OriginAnswer Failure(DateTimeOffset now) => new(null, null, StoreRefusal.None, now, now);
}

/// <summary>What the entry is held to: the URL rule of its URI, the request's directives, and the client's settings.</summary>
/// <param name="Rule">The first <see cref="CacheOptions.Rules"/> entry that matches the URI, or null.</param>
/// <param name="Request">
/// The directives of the GET the caller waits on; <see cref="CacheDirectives.Empty"/> for a background revalidation
/// and a HEAD, which store for later requests.
/// </param>
/// <param name="Reason">Why the request went forward: a caller's own demand lets only its own stale-if-error through.</param>
/// <param name="Heuristic">The heuristic-freshness settings.</param>
/// <param name="MaxEntryBytes">The largest body stored (<see cref="CacheOptions.MaxEntryBytes"/>).</param>
internal readonly record struct AnswerTerms(CacheRule? Rule, CacheDirectives Request, ForwardReason Reason, HeuristicSettings Heuristic, long MaxEntryBytes);

/// <summary>What <see cref="OriginAnswers.Decide"/> decided.</summary>
/// <param name="Effect">What happens to the stored entry.</param>
/// <param name="Refusal">Why the answer is not stored (<see cref="StoreRefusal.None"/> when it is, or when nothing was asked).</param>
/// <param name="TooLarge">Whether a full response is not stored because it announced a body over the limit.</param>
/// <param name="Lines">A full response to store: its lines as stored (the rule's lifetime in place); null otherwise.</param>
/// <param name="Fields">The parsed view of <paramref name="Lines"/>.</param>
/// <param name="Entry">A 304 or HEAD that selects the stored entry: that entry updated, served by a foreground 304 whatever the effect.</param>
/// <param name="Lifetime">The freshness lifetime of what is stored (or served after a 304).</param>
/// <param name="Stale">For <see cref="AnswerEffect.ServeStale"/>: the stored response's ages at the answer.</param>
internal readonly record struct AnswerOutcome(
    AnswerEffect Effect,
    StoreRefusal Refusal = StoreRefusal.None,
    bool TooLarge = false,
    IReadOnlyList<KeyValuePair<string, string>>? Lines = null,
    ResponseFields? Fields = null,
    HttpCacheEntry? Entry = null,
    TimeSpan Lifetime = default,
    LookupDecision Stale = default)
{
    /// <summary>
    /// Whether the key's answer is one that cannot be stored, so identical requests stop waiting on one another for a
    /// while (hit-for-pass): refused by the response, not by the request, and not an error (which says nothing about it).
    /// </summary>
    public bool RemembersPass(int status) =>
        (Refusal != StoreRefusal.None || TooLarge) && Refusal != StoreRefusal.NoStoreRequest && status < 500;
}

/// <summary>
/// What an origin's answer does to the stored entry, decided once for every path: the foreground's full response and
/// 304, a background revalidation's answer, a HEAD's 200, an error or no answer at all. Each update goes through the
/// same steps: the 304's or HEAD's lines merged into the stored ones (§3.2, §4.3.4, §4.3.5), the URL rule (its
/// lifetime again, or its refusal), the check that the result may still be stored (§3), and the entry to store. Pure:
/// no I/O, no clock (the answer carries its times); the callers do what it says.
/// </summary>
internal static class OriginAnswers
{
    /// <summary>What <paramref name="answer"/>, which came by <paramref name="path"/>, does to <paramref name="stored"/> (null on a miss).</summary>
    public static AnswerOutcome Decide(AnswerPath path, in OriginAnswer answer, HttpCacheEntry? stored, in AnswerTerms terms)
    {
        // No answer: what is stored stays, and may stand in for the failure.
        if (answer.Status is not { } status)
        {
            return stored is not null && path == AnswerPath.Foreground && StandIn(stored, answer.ResponseTime, terms) is { } failure
                ? new(AnswerEffect.ServeStale, Stale: failure)
                : new(AnswerEffect.Keep);
        }

        if (path == AnswerPath.Head)
        {
            return stored is null || status != 200 ? new(AnswerEffect.Keep) : Head(answer, stored, terms);
        }

        if (stored is not null)
        {
            // A 5xx says nothing about the stored response: in the background it stays, stale, until a later request
            // revalidates it; in the foreground it stands in for 500, 502, 503 and 504 within its stale-if-error window.
            if (path == AnswerPath.Background && status >= 500)
            {
                return new(AnswerEffect.Keep);
            }

            if (path == AnswerPath.Foreground && HttpStatusRules.IsStaleIfErrorStatus(status) && StandIn(stored, answer.ResponseTime, terms) is { } error)
            {
                return new(AnswerEffect.ServeStale, Stale: error);
            }

            if (status == 304)
            {
                return NotModified(path, answer, stored, terms);
            }
        }

        return Full(status, answer, stored, terms);
    }

    /// <summary>
    /// Why a full response is not stored, told from its status, the request's and the response's <c>Cache-Control</c> and
    /// the rule alone (<paramref name="response"/> null when its lines cannot be read that way), before its lines are
    /// captured: most responses never stored say <c>no-store</c>. <see cref="StoreRefusal.None"/> when the lines are needed.
    /// </summary>
    public static StoreRefusal RefusalBeforeCapture(int status, in CacheDirectives request, in CacheDirectives? response, CacheRule? rule) =>
        CacheRules.Refusal(rule, response is { } directives ? CacheStrategy.RefusalBeforeParsing(status, request, directives) : StoreRefusal.None);

    /// <summary>
    /// §4.3.4, §4.3.5, §3.2: the stored response with its header lines updated by a 304's (or a HEAD 200's), timed by
    /// the exchange that brought them. The one place a validation response is merged into a stored entry.
    /// </summary>
    /// <remarks>
    /// The stored lines are not parsed again: the update's fields are read into a copy of the stored view; an update
    /// that repeats the stored lines (the common 304) shares them and their view, and only the times are new.
    /// </remarks>
    public static HttpCacheEntry WithUpdate(HttpCacheEntry stored, IReadOnlyList<KeyValuePair<string, string>> update, DateTimeOffset requestTime, DateTimeOffset responseTime)
    {
        if (CacheHeaders.MergeKeeps(stored.Headers, update))
        {
            return HttpCacheEntry.Create(stored.Parsed, stored.Headers, stored.Body, requestTime, responseTime, stored.VaryHeaders);
        }

        var lines = CacheHeaders.Merge(stored.Headers, update);
        return HttpCacheEntry.Create(ResponseFields.Updated(stored.Parsed, update, lines, responseTime), lines, stored.Body, requestTime, responseTime, stored.VaryHeaders);
    }

    /// <summary>The entry a full response to store (<see cref="AnswerEffect.Store"/> with lines) makes once its body was read whole.</summary>
    public static HttpCacheEntry NewEntry(
        IReadOnlyList<KeyValuePair<string, string>> lines,
        ResponseFields fields,
        ReadOnlyMemory<byte> body,
        DateTimeOffset requestTime,
        DateTimeOffset responseTime,
        IReadOnlyList<KeyValuePair<string, string?>> varyValues) =>
        HttpCacheEntry.Create(fields, StoredLines.Compact(lines), body, requestTime, responseTime, varyValues);

    /// <summary>A full response (§3): stored with the rule's lifetime when it may be, else handed back and what it replaces removed.</summary>
    private static AnswerOutcome Full(int status, in OriginAnswer answer, HttpCacheEntry? stored, in AnswerTerms terms)
    {
        var refusal = answer.EarlyRefusal;
        var (lines, fields, lifetime, tooLarge) = (answer.Lines, answer.Fields, TimeSpan.Zero, false);
        if (refusal == StoreRefusal.None)
        {
            if (lines is null)
            {
                throw new ArgumentException("A full response not refused early needs its lines.", nameof(answer));
            }

            fields ??= ResponseFields.Parse(status, lines, answer.ResponseTime);
            refusal = CacheRules.Refusal(terms.Rule, StoreRefusal.None);
            if (refusal == StoreRefusal.None)
            {
                if (terms.Rule is { } rule)
                {
                    (lines, fields) = CacheRules.Apply(rule, lines, fields, answer.ResponseTime);
                }

                lifetime = CacheStrategy.FreshnessLifetime(fields, answer.ResponseTime, terms.Heuristic);
                refusal = CacheStrategy.CanStore(fields, terms.Request, lifetime);
                tooLarge = refusal == StoreRefusal.None && fields.ContentLength > terms.MaxEntryBytes;
            }
        }

        if (refusal == StoreRefusal.None && !tooLarge)
        {
            return new(AnswerEffect.Store, Lines: lines, Fields: fields, Lifetime: lifetime);
        }

        // The origin answered anew: what was stored for this request is outdated (a 5xx says nothing about it, and the
        // request's own no-store leaves the stored response alone).
        var effect = stored is not null && status < 500 && refusal != StoreRefusal.NoStoreRequest ? AnswerEffect.Remove : AnswerEffect.Keep;
        return new(effect, refusal, tooLarge, Lifetime: lifetime);
    }

    /// <summary>§4.3.4: a 304 updates the stored response it selects; one that selects none leaves it.</summary>
    private static AnswerOutcome NotModified(AnswerPath path, in OriginAnswer answer, HttpCacheEntry stored, in AnswerTerms terms)
    {
        var lines = answer.Lines ?? [];
        ResponseFields.ReadValidators(lines, answer.ResponseTime, out var etag, out var lastModified);
        if (!CacheStrategy.NotModifiedSelects(stored.Parsed, etag, lastModified))
        {
            // §4.3.4: the 304 is about another representation; a caller that sent no condition never gets a bare 304.
            return new(path == AnswerPath.Foreground ? AnswerEffect.Refetch : AnswerEffect.Keep);
        }

        return Updated(WithUpdate(stored, lines, answer.RequestTime, answer.ResponseTime), answer.ResponseTime, terms);
    }

    /// <summary>§4.3.5: a 200 to HEAD updates the stored GET response when its validators and length match; otherwise that response is outdated.</summary>
    private static AnswerOutcome Head(in OriginAnswer answer, HttpCacheEntry stored, in AnswerTerms terms)
    {
        var lines = answer.Lines ?? [];
        var head = answer.Fields ?? ResponseFields.Parse(200, lines, answer.ResponseTime);
        if (!CacheStrategy.HeadResponseMatches(stored.Parsed, stored.Body.Length, head))
        {
            // The stored response no longer describes the resource; dropping it is the strictest "consider it stale".
            return new(AnswerEffect.Remove);
        }

        return Updated(WithUpdate(stored, lines, answer.RequestTime, answer.ResponseTime), answer.ResponseTime, terms);
    }

    /// <summary>The rule and the storability check of an updated entry: stored again, or removed when it may no longer be stored.</summary>
    private static AnswerOutcome Updated(HttpCacheEntry updated, DateTimeOffset responseTime, in AnswerTerms terms)
    {
        var refusal = CacheRules.Refusal(terms.Rule, StoreRefusal.None);
        if (refusal == StoreRefusal.None && terms.Rule is { } rule)
        {
            updated = CacheRules.Apply(rule, updated);
        }

        var lifetime = CacheStrategy.FreshnessLifetime(updated.Parsed, responseTime, terms.Heuristic);
        refusal = refusal == StoreRefusal.None ? CacheStrategy.CanStore(updated.Parsed, terms.Request, lifetime) : refusal;
        var effect = refusal == StoreRefusal.None ? AnswerEffect.Store : refusal != StoreRefusal.NoStoreRequest ? AnswerEffect.Remove : AnswerEffect.Keep;
        return new(effect, refusal, Entry: updated, Lifetime: lifetime);
    }

    /// <summary>RFC 5861 §4: the stored response's ages at <paramref name="now"/> when it may stand in for an error now; null when it may not.</summary>
    private static LookupDecision? StandIn(HttpCacheEntry stored, DateTimeOffset now, in AnswerTerms terms)
    {
        var response = stored.Parsed;
        var lifetime = CacheStrategy.FreshnessLifetime(response, stored.ResponseTime, terms.Heuristic);
        var age = CacheStrategy.CurrentAge(response, stored.RequestTime, stored.ResponseTime, now);
        var decision = new LookupDecision(LookupAction.Revalidate, terms.Reason, age, lifetime);
        return CacheStrategy.CanServeStaleOnError(response, terms.Request, decision) ? decision : null;
    }
}
