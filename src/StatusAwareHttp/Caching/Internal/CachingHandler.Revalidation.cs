using System.Net;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>§4.3: the conditional request that validates a stale stored response, and what its answer does.</summary>
internal sealed partial class CachingHandler
{
    /// <summary>§4.3: validates a stale stored response with the validators it carries.</summary>
    /// <remarks>
    /// Only the request and its answer wait here: a 304 is handled by <see cref="OnNotModified"/>, which completes at
    /// once when the store does (the memory store always does), so this frame holds little across its one wait.
    /// </remarks>
    private async Task<HttpResponseMessage> RevalidateAsync(CacheExchange exchange, bool async, CancellationToken cancellationToken)
    {
        var request = exchange.Request;
        var snapshot = RequestSnapshot.Take(request.Headers);
        var requestTime = _time.GetUtcNow();
        var added = CacheConditions.Add(request, exchange.Stale!.Parsed);
        HttpResponseMessage response;
        try
        {
            response = await SendInner(request, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (OriginFailure.IsOriginFailure(ex, cancellationToken))
        {
            if (StaleOnFailure(exchange, ex, cancellationToken) is { } staleResponse)
            {
                return staleResponse;
            }
            throw;
        }
        finally
        {
            // The caller's request is left as it came: without the validators the cache added.
            CacheConditions.Remove(request, added);
        }

        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return await OnNotModified(exchange, response, requestTime, async, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await OnFullResponseAsync(response, exchange, new SentRequest(snapshot, requestTime, Flight: null)).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// §4.3.4: a 304 to the cache's conditional request. When it selects the stored response, that response, its header
    /// lines updated by the 304's (§3.2) and timed by this exchange, is stored again (or removed when it may no longer be
    /// stored) and served; otherwise the request goes forward unconditionally.
    /// </summary>
    private ValueTask<HttpResponseMessage> OnNotModified(in CacheExchange exchange, HttpResponseMessage response, DateTimeOffset requestTime, bool async, CancellationToken cancellationToken)
    {
        var entry = exchange.Stale!;
        var responseTime = _time.GetUtcNow();
        var update = CacheHeaders.Capture(response, responseTime);
        response.Dispose();
        ResponseFields.ReadValidators(update, out var etag, out var lastModified);
        var selects = CacheStrategy.NotModifiedSelects(entry.Parsed, etag, lastModified);

        // §4.3.4, §3.2: the stored response, its headers updated by the 304's, timed by this exchange.
        var updated = selects ? CacheVariants.WithUpdate(entry, update, requestTime, responseTime) : null;
        if (updated is null)
        {
            // §4.3.4: the 304 is about another representation; never hand a bare 304 to a caller that sent no condition.
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.NotModifiedMismatch(_logger, UriRedaction.Redact(exchange.Uri));
            }

            return new(FetchAsync(exchange with { Reason = ForwardReason.Request, Stale = null, Decision = default }, async, cancellationToken));
        }

        updated = exchange.Override.Rule is { } rule ? CacheRules.Apply(rule, updated) : updated;
        var lifetime = CacheStrategy.FreshnessLifetime(updated.Parsed, responseTime, _heuristic);
        var refusal = CacheStrategy.CanStore(updated.Parsed, exchange.Directives, lifetime);
        var write = refusal == StoreRefusal.None
            ? _variants.StoreAsync(exchange.Key, exchange.Uri, exchange.Variants, updated, replacing: entry)
            : refusal != StoreRefusal.NoStoreRequest ? _variants.RemoveVariantAsync(exchange.Key, exchange.Uri, exchange.Variants, entry) : default;
        if (!write.IsCompletedSuccessfully)
        {
            return new(ServeRevalidatedAsync(write, exchange, updated, requestTime, responseTime, lifetime));
        }

        write.GetAwaiter().GetResult();
        return new(ServeRevalidated(exchange, updated, requestTime, responseTime, lifetime));
    }

    private async Task<HttpResponseMessage> ServeRevalidatedAsync(ValueTask write, CacheExchange exchange, HttpCacheEntry updated, DateTimeOffset requestTime, DateTimeOffset responseTime, TimeSpan lifetime)
    {
        await write.ConfigureAwait(false);
        return ServeRevalidated(exchange, updated, requestTime, responseTime, lifetime);
    }

    private HttpResponseMessage ServeRevalidated(in CacheExchange exchange, HttpCacheEntry updated, DateTimeOffset requestTime, DateTimeOffset responseTime, TimeSpan lifetime)
    {
        var age = CacheStrategy.CurrentAge(updated.Parsed, requestTime, responseTime, _time.GetUtcNow());
        _metrics.Lookup(CacheOutcome.Revalidated);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Revalidated(_logger, UriRedaction.Redact(exchange.Uri), exchange.Stale!.StatusCode);
        }

        return CacheServing.Serve(updated, exchange.Request, age, _status.Forward(exchange.Reason, 304, lifetime - age, detail: exchange.Override.ForwardDetail));
    }
}
