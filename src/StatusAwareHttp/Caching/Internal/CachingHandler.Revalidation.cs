using System.Net;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>§4.3: the conditional request that validates a stale stored response, and what its answer does.</summary>
internal sealed partial class CachingHandler
{
    /// <summary>§4.3: validates <paramref name="stale"/>, the stored response of <paramref name="exchange"/>, with the validators it carries.</summary>
    /// <remarks>
    /// Only the request and its answer wait here: a 304 is handled by <see cref="OnNotModified"/>, which completes at
    /// once when the store does (the memory store always does), so this frame holds little across its one wait.
    /// </remarks>
    private async Task<HttpResponseMessage> RevalidateAsync(CacheExchange exchange, HttpCacheEntry stale, bool async, CancellationToken cancellationToken)
    {
        exchange.Sent(_context.Time.GetUtcNow());
        var added = CacheConditions.Add(exchange.Request, stale.Parsed);
        HttpResponseMessage response;
        try
        {
            response = await SendInner(exchange.Request, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (OriginFailure.IsOriginFailure(ex, cancellationToken))
        {
            if (StaleOnFailure(exchange, stale, ex, cancellationToken) is { } staleResponse)
            {
                return staleResponse;
            }
            throw;
        }
        finally
        {
            // The caller's request is left as it came: without the validators the cache added.
            CacheConditions.Remove(exchange.Request, added);
        }

        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return await OnNotModified(exchange, stale, response, async, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await OnFullResponseAsync(response, exchange).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// §4.3.4: a 304 to the cache's conditional request, decided by <see cref="OriginAnswers"/>. When it selects the
    /// stored response, that response, its header lines updated by the 304's (§3.2), the URL rule's lifetime again and
    /// timed by this exchange, is stored again (or removed when it may no longer be stored) and served; otherwise the
    /// request goes forward unconditionally.
    /// </summary>
    private ValueTask<HttpResponseMessage> OnNotModified(CacheExchange exchange, HttpCacheEntry stale, HttpResponseMessage response, bool async, CancellationToken cancellationToken)
    {
        var responseTime = _context.Time.GetUtcNow();
        var update = CacheHeaders.Capture(response, responseTime);
        response.Dispose();
        var outcome = OriginAnswers.Decide(
            AnswerPath.Foreground, new OriginAnswer(304, update, StoreRefusal.None, exchange.RequestTime, responseTime), stale, exchange.Terms(_context));
        if (outcome.Entry is not { } updated)
        {
            // §4.3.4: the 304 is about another representation; never hand a bare 304 to a caller that sent no condition.
            if (_context.Logger.IsEnabled(LogLevel.Debug))
            {
                Log.NotModifiedMismatch(_context.Logger, UriRedaction.Redact(exchange.Uri));
            }

            return new(FetchAsync(exchange.Unconditional(), async, cancellationToken));
        }

        var write = outcome.Effect switch
        {
            AnswerEffect.Store => _variants.StoreAsync(exchange.Key, exchange.Uri, exchange.Variants, updated, replacing: stale),
            AnswerEffect.Remove => _variants.RemoveVariantAsync(exchange.Key, exchange.Uri, exchange.Variants, stale),
            _ => default,
        };
        if (!write.IsCompletedSuccessfully)
        {
            return new(ServeRevalidatedAsync(write, exchange, stale, updated, responseTime, outcome.Lifetime));
        }

        write.GetAwaiter().GetResult();
        return new(_answers.Revalidated(exchange, stale, updated, responseTime, outcome.Lifetime));
    }

    private async Task<HttpResponseMessage> ServeRevalidatedAsync(ValueTask write, CacheExchange exchange, HttpCacheEntry stale, HttpCacheEntry updated, DateTimeOffset responseTime, TimeSpan lifetime)
    {
        await write.ConfigureAwait(false);
        return _answers.Revalidated(exchange, stale, updated, responseTime, lifetime);
    }
}
