using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// What responses to methods other than GET do to the stored GET responses: a 200 to HEAD freshens them or shows them
/// outdated (RFC 9111 §4.3.5), and a non-error response to an unsafe method invalidates them (§4.4).
/// </summary>
internal sealed class CacheInvalidation
{
    private static readonly string[] s_invalidationFields = ["Location", "Content-Location"];

    private readonly CacheVariants _variants;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CacheKeyPolicy? _keys;

    public CacheInvalidation(CacheVariants variants, TimeProvider time, ILogger logger, CacheKeyPolicy? keys = null)
    {
        _keys = keys;
        _variants = variants;
        _time = time;
        _logger = logger;
    }

    /// <summary>§4.3.5: a 200 to HEAD updates the stored GET responses it could stand for, or shows them outdated.</summary>
    public async Task AfterHeadAsync(HttpRequestMessage request, Uri uri, HttpResponseMessage response, DateTimeOffset requestTime)
    {
        if (response.StatusCode != HttpStatusCode.OK || CacheHeaders.IsConditionalOrRange(request.Headers))
        {
            return;
        }

        // The response is already here: the store is read without the caller's token, so the response is never lost.
        var key = _keys?.ForGet(uri, request.Headers) ?? CacheKeys.ForGet(uri, request.Headers);
        var variants = await _variants.ReadAsync(key, uri, CancellationToken.None).ConfigureAwait(false);
        if (variants is not { Count: > 0 })
        {
            return;
        }

        var responseTime = _time.GetUtcNow();
        var update = CacheHeaders.Capture(response, responseTime);
        var head = ResponseFields.Parse(200, update);
        var kept = new List<HttpCacheEntry>(variants.Count);
        var changed = false;
        foreach (var variant in variants)
        {
            if (variant is null || variant.Parsed.Unreadable is not null)
            {
                changed = true;
            }
            else if (!CacheVary.Matches(variant.VaryHeaders, request.Headers))
            {
                kept.Add(variant);
            }
            else if (CacheStrategy.HeadResponseMatches(variant.Parsed, variant.Body.Length, head))
            {
                changed = true;
                kept.Add(CacheVariants.WithUpdate(variant, update, requestTime, responseTime));
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    Log.FreshenedByHead(_logger, UriRedaction.Redact(uri));
                }
            }
            else
            {
                // The stored response no longer describes the resource; dropping it is the strictest "consider it stale".
                changed = true;
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    Log.OutdatedByHead(_logger, UriRedaction.Redact(uri));
                }
            }
        }

        if (changed)
        {
            await _variants.WriteAsync(key, uri, [.. kept]).ConfigureAwait(false);
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

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Invalidated(_logger, UriRedaction.Redact(uri), request.Method.Method, status);
        }
    }

    private async Task InvalidateAsync(Uri target, HttpRequestHeaders headers)
    {
        // Each credential acts as a private cache of its own: its partition goes, and so does the anonymous one,
        // which a change made with credentials may well have changed too.
        var (partition, anonymous) = _keys?.ForInvalidation(target, headers) ?? CacheKeys.ForInvalidation(target, headers);
        await _variants.RemoveKeyAsync(partition, target).ConfigureAwait(false);
        if (anonymous is not null)
        {
            await _variants.RemoveKeyAsync(anonymous, target).ConfigureAwait(false);
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
