using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// What responses to methods other than GET do to the stored GET responses: a 200 to HEAD freshens them or shows them
/// outdated (RFC 9111 §4.3.5), and a non-error response to an unsafe method invalidates them (§4.4), with the queries
/// of the same URI (RFC 10008) and the cache groups it names (RFC 9875 §3).
/// </summary>
internal sealed class CacheInvalidation
{
    private static readonly string[] s_invalidationFields = ["Location", "Content-Location"];

    private readonly CacheContext _context;

    public CacheInvalidation(CacheContext context)
    {
        _context = context;
    }

    /// <summary>
    /// §4.3.5: a 200 to HEAD updates the stored GET responses it could stand for (decided by <see cref="OriginAnswers"/>:
    /// merged, the URL rule's lifetime again, stored when they still may be), or shows them outdated.
    /// </summary>
    public async Task AfterHeadAsync(HttpRequestMessage request, Uri uri, HttpResponseMessage response, DateTimeOffset requestTime)
    {
        if (response.StatusCode != HttpStatusCode.OK || CacheHeaders.IsConditionalOrRange(request.Headers))
        {
            return;
        }

        // The response is already here: the store is read without the caller's token, so the response is never lost.
        var key = _context.Keys.ForGet(uri, request.Headers);
        var variants = await _context.Variants.ReadAsync(key, uri, CancellationToken.None).ConfigureAwait(false);
        if (variants is not { Count: > 0 })
        {
            return;
        }

        var responseTime = _context.Time.GetUtcNow();
        var update = CacheHeaders.Capture(response, responseTime);
        var answer = new OriginAnswer(200, update, StoreRefusal.None, requestTime, responseTime, ResponseFields.Parse(200, update, responseTime));
        var terms = _context.Terms(_context.Rules.Match(uri), CacheDirectives.Empty, ForwardReason.Stale);
        var kept = new List<HttpCacheEntry>(variants.Count);
        var changed = false;
        foreach (var variant in variants)
        {
            if (variant is null || variant.Parsed.Unreadable is not null)
            {
                changed = true;
                continue;
            }

            if (!CacheVary.Matches(variant.VaryHeaders, request.Headers))
            {
                kept.Add(variant);
                continue;
            }

            var outcome = OriginAnswers.Decide(AnswerPath.Head, answer, variant, terms);
            changed |= outcome.Effect != AnswerEffect.Keep;
            if (outcome.Effect == AnswerEffect.Store && outcome.Entry is { } updated)
            {
                kept.Add(updated);
            }
            else if (outcome.Effect == AnswerEffect.Keep)
            {
                kept.Add(variant);
            }

            LogHead(uri, outcome);
        }

        if (changed)
        {
            await _context.Variants.WriteAsync(key, uri, [.. kept]).ConfigureAwait(false);
        }
    }

    private void LogHead(Uri uri, in AnswerOutcome outcome)
    {
        if (!_context.Logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        if (outcome.Effect == AnswerEffect.Store)
        {
            Log.FreshenedByHead(_context.Logger, UriRedaction.Redact(uri));
        }
        else if (outcome.Refusal != StoreRefusal.None)
        {
            // Updated, the stored response may no longer be stored (the HEAD said no-store, say): removed.
            Log.NotStored(_context.Logger, UriRedaction.Redact(uri), 200, CacheStrategy.Describe(outcome.Refusal));
        }
        else
        {
            // The stored response no longer describes the resource; dropping it is the strictest "consider it stale".
            Log.OutdatedByHead(_context.Logger, UriRedaction.Redact(uri));
        }
    }

    /// <summary>§4.4: a non-error response to an unsafe method invalidates the target URI, and same-origin Location and Content-Location.</summary>
    public async Task AfterUnsafeAsync(HttpRequestMessage request, Uri uri, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (!CacheStrategy.Invalidates(request.Method, status))
        {
            return;
        }

        await InvalidateAsync(uri, request.Headers).ConfigureAwait(false);
        await InvalidateGroupsAsync(uri, response).ConfigureAwait(false);
        foreach (var field in s_invalidationFields)
        {
            if (TryGetRaw(response, field, out var value)
                && Uri.TryCreate(uri, value, out var target)
                && target.IsAbsoluteUri
                && UriOrigin.IsSameOrigin(uri, target)
                && !string.Equals(CacheKeys.UriText(target), CacheKeys.UriText(uri), StringComparison.Ordinal))
            {
                await InvalidateAsync(target, request.Headers).ConfigureAwait(false);
            }
        }

        if (_context.Logger.IsEnabled(LogLevel.Debug))
        {
            Log.Invalidated(_context.Logger, UriRedaction.Redact(uri), request.Method.Method, status);
        }
    }

    /// <summary>
    /// RFC 9875 §3: the groups a non-error response to an unsafe request names in <c>Cache-Group-Invalidation</c> are
    /// invalidated in the origin of the request's URI (§2.1), every stored response of theirs; what those responses
    /// were grouped with besides is not (§2.2.1: no cascade). A field that fails parsing is ignored.
    /// </summary>
    private async Task InvalidateGroupsAsync(Uri uri, HttpResponseMessage response)
    {
        if (CacheGroupFields.Read(response, CacheGroupFields.Invalidation) is not { } groups)
        {
            return;
        }

        var origin = CacheTags.Origin(uri);
        foreach (var group in groups)
        {
            if (!await _context.Variants.RemoveTaggedAsync(CacheTags.Group(origin, group), uri).ConfigureAwait(false))
            {
                Log.GroupsNotInvalidated(_context.Logger, UriRedaction.Redact(uri), groups.Length);
                return;
            }
        }

        Log.GroupsInvalidated(_context.Logger, groups.Length, UriRedaction.Redact(uri));
    }

    private async Task InvalidateAsync(Uri target, HttpRequestHeaders headers)
    {
        // RFC 9111 §4.4 and RFC 10008 §2.7: the queries of the URI are its stored responses too; their keys hold a
        // digest of content this request does not have, so they go by the URI's tag.
        await _context.Variants.RemoveTaggedAsync(CacheTags.Queries(_context.Keys.UriText(target)), target).ConfigureAwait(false);

        // Each credential acts as a private cache of its own: its partition goes, and so does the anonymous one,
        // which a change made with credentials may well have changed too.
        var (partition, anonymous) = _context.Keys.ForInvalidation(target, headers);
        await _context.Variants.RemoveKeyAsync(partition, target).ConfigureAwait(false);
        if (anonymous is not null)
        {
            await _context.Variants.RemoveKeyAsync(anonymous, target).ConfigureAwait(false);
        }
    }

    private static bool TryGetRaw(HttpResponseMessage response, string name, out string value)
    {
        if (response.Headers.NonValidated.TryGetValues(name, out var values)
            || (response.Content is { } content && content.Headers.NonValidated.TryGetValues(name, out values)))
        {
            foreach (var line in values)
            {
                value = line.Trim();
                return value.Length > 0;
            }
        }

        value = string.Empty;
        return false;
    }
}
