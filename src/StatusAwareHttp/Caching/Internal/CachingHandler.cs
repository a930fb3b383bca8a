using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The HTTP cache (RFC 9111) between the redirect handler and the retries. GET responses are looked up, served fresh,
/// revalidated with conditional requests, or fetched (identical misses sharing one origin request) and stored once their
/// body was read whole; HEAD responses freshen stored GET responses; unsafe methods invalidate. Decisions are made by
/// <see cref="CacheStrategy"/>; this class does the I/O, disposes every response it drops, and leaves the caller's
/// request as it found it.
/// </summary>
internal sealed class CachingHandler : DelegatingHandler
{
    /// <summary>The most variants kept under one key; the oldest go first.</summary>
    internal const int MaxVariants = 16;

    /// <summary>How long a background revalidation may take before it is abandoned.</summary>
    internal static readonly TimeSpan BackgroundTimeout = TimeSpan.FromSeconds(100);

    private static readonly string[] s_invalidationFields = ["Location", "Content-Location"];

    private readonly ClientCache _cache;
    private readonly CacheOptions _options;
    private readonly HeuristicSettings _heuristic;
    private readonly CacheStatus _status;
    private readonly TimeProvider _time;
    private readonly CacheMetrics _metrics;
    private readonly ILogger _logger;

    public CachingHandler(ClientCache cache, CacheOptions options, TimeProvider time, CacheMetrics metrics, ILogger logger)
    {
        _cache = cache;
        _options = options;
        _heuristic = HeuristicSettings.From(options);
        _status = new CacheStatus(options.CacheName);
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Makes the handler of one handler chain of <paramref name="clientName"/>, on the client's lasting state.</summary>
    public static CachingHandler Create(string clientName, CacheOptions options, IServiceProvider services, ILoggerFactory loggerFactory)
    {
        var registry = services.GetRequiredService<HttpCacheRegistry>();
        return new CachingHandler(
            registry.Get(clientName, options),
            options,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<CacheMetrics>(),
            loggerFactory.CreateLogger<CachingHandler>());
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.Method;
        if (request.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            return base.SendAsync(request, cancellationToken);
        }

        if (method == HttpMethod.Get)
        {
            // §4.3.2 is the origin's business: a caller's own conditional (or range) request passes through untouched.
            return CacheHeaders.IsConditionalOrRange(request.Headers)
                ? base.SendAsync(request, cancellationToken)
                : SendGetAsync(request, uri, cancellationToken);
        }

        if (method == HttpMethod.Head)
        {
            return SendHeadAsync(request, uri, cancellationToken);
        }

        return CacheStrategy.IsSafe(method) ? base.SendAsync(request, cancellationToken) : SendUnsafeAsync(request, uri, cancellationToken);
    }

    /// <summary>
    /// Looks the GET up. When the store answers at once (the memory store always does) this runs without an async
    /// frame of its own: the task handed back is the fetch's, the revalidation's, or the served response's.
    /// </summary>
    private Task<HttpResponseMessage> SendGetAsync(HttpRequestMessage request, Uri uri, CancellationToken cancellationToken)
    {
        CacheDirectives directives;
        string key;
        ValueTask<IReadOnlyList<HttpCacheEntry>?> read;
        try
        {
            directives = CacheHeaders.ReadRequestDirectives(request.Headers);
            key = CacheKeys.ForGet(uri, request.Headers);
            read = ReadStoreAsync(key, uri, cancellationToken);
            if (read.IsCompletedSuccessfully)
            {
                return OnLookup(request, uri, key, directives, read.Result, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            return Task.FromException<HttpResponseMessage>(ex);
        }

        return SendGetAfterReadAsync(request, uri, key, directives, read, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendGetAfterReadAsync(
        HttpRequestMessage request, Uri uri, string key, CacheDirectives directives, ValueTask<IReadOnlyList<HttpCacheEntry>?> read, CancellationToken cancellationToken)
    {
        var variants = await read.ConfigureAwait(false);
        return await OnLookup(request, uri, key, directives, variants, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the lookup found decides: served from storage, fetched, or revalidated.</summary>
    private Task<HttpResponseMessage> OnLookup(
        HttpRequestMessage request, Uri uri, string key, CacheDirectives directives, IReadOnlyList<HttpCacheEntry>? variants, CancellationToken cancellationToken)
    {
        var entry = Select(key, uri, ref variants, request.Headers);

        if (entry is null)
        {
            var miss = variants is { Count: > 0 } ? "vary-miss" : "uri-miss";
            if (directives.OnlyIfCached)
            {
                return Task.FromResult(OnlyIfCachedMiss(request, uri));
            }

            _metrics.Lookup(CacheOutcome.Miss);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.Miss(_logger, UriRedaction.Redact(uri), miss);
            }

            return FetchAsync(request, uri, key, variants, directives, miss, stale: null, default, countMiss: false, cancellationToken);
        }

        var decision = CacheStrategy.Decide(entry, directives, _time.GetUtcNow(), _heuristic);
        switch (decision.Action)
        {
            case LookupAction.Fresh:
                _metrics.Lookup(CacheOutcome.Hit);
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    Log.Hit(_logger, UriRedaction.Redact(uri), (long)decision.Age.TotalSeconds, (long)decision.TimeToLive.TotalSeconds);
                }

                return Task.FromResult(Serve(entry, request, decision.Age, _status.Hit(decision.TimeToLive)));

            case LookupAction.ServeStale:
                _metrics.Lookup(CacheOutcome.Stale);
                LogStale(uri, "max-stale", decision);
                return Task.FromResult(Serve(entry, request, decision.Age, _status.Hit(decision.TimeToLive)));

            case LookupAction.StaleWhileRevalidate:
                _metrics.Lookup(CacheOutcome.Stale);
                LogStale(uri, "stale-while-revalidate", decision);
                StartBackgroundRevalidation(request, uri, key, variants!, entry);
                return Task.FromResult(Serve(entry, request, decision.Age, _status.Hit(decision.TimeToLive)));
        }

        // §5.2.1.7: only-if-cached never goes forward; what is stored cannot be used, so 504.
        if (directives.OnlyIfCached)
        {
            return Task.FromResult(OnlyIfCachedMiss(request, uri));
        }

        var reason = decision.Reason == ForwardReason.Request ? "request" : "stale";
        if (!entry.Parsed.HasValidator)
        {
            // §4.3.1: nothing to validate with; the request goes forward as it is.
            return FetchAsync(request, uri, key, variants, directives, reason, entry, decision, countMiss: true, cancellationToken);
        }

        return RevalidateAsync(request, uri, key, variants!, entry, decision, directives, reason, cancellationToken);
    }

    /// <summary>
    /// Sends the request as it is. A miss joins an identical request already in flight, or becomes the one others join;
    /// a request whose own directives demand the origin (or forbid storing) goes alone.
    /// </summary>
    private async Task<HttpResponseMessage> FetchAsync(
        HttpRequestMessage request,
        Uri uri,
        string key,
        IReadOnlyList<HttpCacheEntry>? variants,
        CacheDirectives directives,
        string reason,
        HttpCacheEntry? stale,
        LookupDecision decision,
        bool countMiss,
        CancellationToken cancellationToken)
    {
        // A caller that asks for a response made after its request (no-cache, max-age=0) does not join an earlier one.
        InFlightRequest? flight = null;
        if (!directives.NoStore && !directives.NoCache && directives.MaxAge is not (0 or CacheDirectives.Invalid) && reason != "request")
        {
            var mine = new InFlightRequest();
            var current = _cache.InFlight.GetOrAdd(key, mine);
            if (ReferenceEquals(current, mine))
            {
                flight = mine;
            }
            else
            {
                var joined = await JoinAsync(current, request, uri, reason, cancellationToken).ConfigureAwait(false);
                if (joined is not null)
                {
                    if (countMiss)
                    {
                        _metrics.Lookup(CacheOutcome.Miss);
                    }

                    return joined;
                }
            }
        }

        var snapshot = RequestSnapshot.Take(request.Headers);
        var requestTime = _time.GetUtcNow();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            EndFlight(key, flight);
            if (stale is not null && IsOriginFailure(ex, cancellationToken)
                && TryServeStaleOnError(stale, request, uri, directives, decision, reason, status: null) is { } staleResponse)
            {
                return staleResponse;
            }

            throw;
        }

        try
        {
            return await OnFullResponseAsync(request, uri, response, key, variants, snapshot, requestTime, directives, reason, flight, stale, decision, countMiss).ConfigureAwait(false);
        }
        catch
        {
            EndFlight(key, flight);
            response.Dispose();
            throw;
        }
    }

    /// <summary>Waits for the in-flight request's response and reads its body as well; null when it cannot be shared.</summary>
    private async Task<HttpResponseMessage?> JoinAsync(InFlightRequest flight, HttpRequestMessage request, Uri uri, string reason, CancellationToken cancellationToken)
    {
        SharedResponse? shared;
        _cache.EnterWaiting();
        try
        {
            shared = await flight.Response.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _cache.ExitWaiting();
        }

        // §4.1: the shared response must be one this request could have been served from storage.
        if (shared is null || !CacheKeys.VaryMatches(shared.VaryValues, request.Headers) || shared.Body.TryAddReader() is not { } reader)
        {
            return null;
        }

        var content = new SharedBodyContent(shared.Body, reader);
        var response = new HttpResponseMessage(shared.StatusCode)
        {
            Version = shared.Version,
            ReasonPhrase = shared.ReasonPhrase,
            RequestMessage = request,
            Content = content,
        };
        CacheHeaders.AddLines(response, content, shared.Headers, shared.Parsed.Targets);
        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _status.Forward(reason, (int)shared.StatusCode, collapsed: true));
        _metrics.Coalesced();
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Coalesced(_logger, UriRedaction.Redact(uri));
        }

        return response;
    }

    /// <summary>
    /// A full response from the origin to a GET: handed back as it is when it cannot be stored (or is too large), else
    /// with its body teed into a <see cref="SharedBody"/> that identical requests may read too and that is stored once
    /// read whole. Stands in a stale response for a 5xx where stale-if-error allows.
    /// </summary>
    private async ValueTask<HttpResponseMessage> OnFullResponseAsync(
        HttpRequestMessage request,
        Uri uri,
        HttpResponseMessage response,
        string key,
        IReadOnlyList<HttpCacheEntry>? variants,
        RequestSnapshot snapshot,
        DateTimeOffset requestTime,
        CacheDirectives directives,
        string reason,
        InFlightRequest? flight,
        HttpCacheEntry? stale,
        LookupDecision decision,
        bool countMiss)
    {
        var status = (int)response.StatusCode;
        var responseTime = _time.GetUtcNow();

        // RFC 5861 §4: a 500, 502, 503 or 504 (after the retries inside gave up) may be replaced by the stale response.
        if (stale is not null && CacheStrategy.IsStaleIfErrorStatus(status)
            && TryServeStaleOnError(stale, request, uri, directives, decision, reason, status) is { } staleResponse)
        {
            EndFlight(key, flight);
            response.Dispose();
            return staleResponse;
        }

        if (countMiss)
        {
            _metrics.Lookup(CacheOutcome.Miss);
        }

        // A response that says no-store is refused without capturing and parsing its lines.
        List<KeyValuePair<string, string>>? headers = null;
        StoredResponse? parsed = null;
        var lifetime = TimeSpan.Zero;
        var tooLarge = false;
        var refusal = CacheHeaders.TryReadResponseDirectives(response, out var responseDirectives)
            ? CacheStrategy.RefusalBeforeParsing(status, directives, responseDirectives)
            : StoreRefusal.None;
        if (refusal == StoreRefusal.None)
        {
            headers = CacheHeaders.Capture(response, responseTime);
            parsed = StoredResponse.Parse(status, headers);
            lifetime = CacheStrategy.FreshnessLifetime(parsed, responseTime, _heuristic);
            refusal = CacheStrategy.CanStore(parsed, directives, lifetime);
            tooLarge = refusal == StoreRefusal.None && parsed.ContentLength > _options.MaxEntryBytes;
        }

        if (stale is not null && _logger.IsEnabled(LogLevel.Debug))
        {
            Log.RevalidationReplaced(_logger, UriRedaction.Redact(uri), status);
        }

        if (refusal != StoreRefusal.None || tooLarge)
        {
            EndFlight(key, flight);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                if (tooLarge)
                {
                    Log.TooLarge(_logger, UriRedaction.Redact(uri), _options.MaxEntryBytes);
                }
                else
                {
                    Log.NotStored(_logger, UriRedaction.Redact(uri), status, RefusalText(refusal));
                }
            }

            // The origin answered anew; what was stored for this request is outdated (a 5xx says nothing about it).
            if (stale is not null && status < 500 && refusal != StoreRefusal.NoStoreRequest)
            {
                await RemoveVariantAsync(key, uri, variants, stale).ConfigureAwait(false);
            }

            response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _status.Forward(reason, status, detail: tooLarge ? "too-large" : null));
            return response;
        }

        // Not refused: the lines were captured and parsed above.
        System.Diagnostics.Debug.Assert(headers is not null && parsed is not null, "Captured and parsed when not refused early.");
        ShareBody(response, uri, key, variants, snapshot, headers, parsed, requestTime, responseTime, flight, stale);
        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _status.Forward(reason, status, lifetime));
        return response;
    }

    /// <summary>
    /// Tees the response's body into a <see cref="SharedBody"/> that identical requests may read too and that is stored
    /// once read whole. A method of its own, so the state its callbacks capture is made only for a response that may be stored.
    /// </summary>
    private void ShareBody(
        HttpResponseMessage response,
        Uri uri,
        string key,
        IReadOnlyList<HttpCacheEntry>? variants,
        RequestSnapshot snapshot,
        List<KeyValuePair<string, string>> headers,
        StoredResponse parsed,
        DateTimeOffset requestTime,
        DateTimeOffset responseTime,
        InFlightRequest? flight,
        HttpCacheEntry? stale)
    {
        var vary = CacheKeys.VaryValues(parsed.VaryNames, snapshot);
        var origin = response.Content;
        var body = new SharedBody(
            origin,
            parsed.ContentLength,
            _options.MaxEntryBytes,
            bytes => StoreAsync(key, uri, variants, HttpCacheEntry.Create(parsed, headers, bytes, requestTime, responseTime, vary), replacing: stale),
            end =>
            {
                EndFlight(key, flight);
                if (end != "complete" && _logger.IsEnabled(LogLevel.Debug))
                {
                    Log.BodyIncomplete(_logger, UriRedaction.Redact(uri), end);
                }
            },
            _time);
        var content = new SharedBodyContent(body, body.TryAddReader()!);
        foreach (var field in origin.Headers.NonValidated)
        {
            content.Headers.TryAddWithoutValidation(field.Key, field.Value);
        }

        response.Content = content;
        flight?.Publish(new SharedResponse(response.StatusCode, response.Version, response.ReasonPhrase, headers, parsed, vary, body));
    }

    /// <summary>§4.3: validates a stale stored response with the validators it carries.</summary>
    private async Task<HttpResponseMessage> RevalidateAsync(
        HttpRequestMessage request,
        Uri uri,
        string key,
        IReadOnlyList<HttpCacheEntry> variants,
        HttpCacheEntry entry,
        LookupDecision decision,
        CacheDirectives directives,
        string reason,
        CancellationToken cancellationToken)
    {
        var snapshot = RequestSnapshot.Take(request.Headers);
        var stored = entry.Parsed;
        var requestTime = _time.GetUtcNow();
        HttpResponseMessage response;
        AddConditions(request, stored);
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOriginFailure(ex, cancellationToken) && CanServeStaleOnError(entry, directives, decision, out var now))
        {
            return ServeStaleOnError(entry, request, uri, now, reason, status: null);
        }
        finally
        {
            // The caller's request is left as it came: without the validators the cache added.
            RemoveConditions(request);
        }

        var responseTime = _time.GetUtcNow();
        if (response.StatusCode != HttpStatusCode.NotModified)
        {
            try
            {
                return await OnFullResponseAsync(request, uri, response, key, variants, snapshot, requestTime, directives, reason, flight: null, entry, decision, countMiss: true).ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }

        var update = CacheHeaders.Capture(response, responseTime);
        response.Dispose();
        var notModified = StoredResponse.Parse(304, update);
        if (!CacheStrategy.NotModifiedSelects(stored, notModified))
        {
            // §4.3.4: the 304 is about another representation; never hand a bare 304 to a caller that sent no condition.
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.NotModifiedMismatch(_logger, UriRedaction.Redact(uri));
            }

            return await FetchAsync(request, uri, key, variants, directives, "request", stale: null, default, countMiss: true, cancellationToken).ConfigureAwait(false);
        }

        // §4.3.4, §3.2: the stored response, its headers updated by the 304's, timed by this exchange.
        var updated = new HttpCacheEntry(entry.StatusCode, CacheHeaders.Merge(entry.Headers, update), entry.Body, requestTime, responseTime, entry.VaryHeaders);
        var lifetime = CacheStrategy.FreshnessLifetime(updated.Parsed, responseTime, _heuristic);
        var refusal = CacheStrategy.CanStore(updated.Parsed, directives, lifetime);
        if (refusal == StoreRefusal.None)
        {
            await StoreAsync(key, uri, variants, updated, replacing: entry).ConfigureAwait(false);
        }
        else if (refusal != StoreRefusal.NoStoreRequest)
        {
            await RemoveVariantAsync(key, uri, variants, entry).ConfigureAwait(false);
        }

        var age = CacheStrategy.CurrentAge(updated.Parsed, requestTime, responseTime, _time.GetUtcNow());
        _metrics.Lookup(CacheOutcome.Revalidated);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Revalidated(_logger, UriRedaction.Redact(uri), entry.StatusCode);
        }

        return Serve(updated, request, age, _status.Forward(reason, 304, lifetime - age));
    }

    /// <summary>RFC 5861 §4: the stale response, when it may stand in for the origin's error; null when it may not.</summary>
    private HttpResponseMessage? TryServeStaleOnError(
        HttpCacheEntry entry,
        HttpRequestMessage request,
        Uri uri,
        in CacheDirectives directives,
        LookupDecision original,
        string reason,
        int? status) =>
        CanServeStaleOnError(entry, directives, original, out var now) ? ServeStaleOnError(entry, request, uri, now, reason, status) : null;

    /// <summary>Whether the stored response may stand in for an error now (its age taken again: time passed).</summary>
    private bool CanServeStaleOnError(HttpCacheEntry entry, in CacheDirectives directives, LookupDecision original, out LookupDecision now)
    {
        var current = CacheStrategy.Decide(entry, directives, _time.GetUtcNow(), _heuristic);
        now = original with { Age = current.Age, Lifetime = current.Lifetime };
        return CacheStrategy.CanServeStaleOnError(entry.Parsed, directives, now);
    }

    private HttpResponseMessage ServeStaleOnError(HttpCacheEntry entry, HttpRequestMessage request, Uri uri, LookupDecision decision, string reason, int? status)
    {
        _metrics.Lookup(CacheOutcome.Stale);
        LogStale(uri, status is { } s ? $"stale-if-error after {s}" : "stale-if-error after a connection failure", decision);
        return Serve(entry, request, decision.Age, _status.Forward(reason, status, decision.TimeToLive, detail: "stale-if-error"));
    }

    private async Task<HttpResponseMessage> SendHeadAsync(HttpRequestMessage request, Uri uri, CancellationToken cancellationToken)
    {
        var requestTime = _time.GetUtcNow();
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.OK && !CacheHeaders.IsConditionalOrRange(request.Headers))
        {
            await FreshenFromHeadAsync(request, uri, response, requestTime).ConfigureAwait(false);
        }

        return response;
    }

    /// <summary>§4.3.5: a 200 to HEAD updates the stored GET responses it could stand for, or shows them outdated.</summary>
    private async Task FreshenFromHeadAsync(HttpRequestMessage request, Uri uri, HttpResponseMessage response, DateTimeOffset requestTime)
    {
        // The response is already here: the store is read without the caller's token, so the response is never lost.
        var key = CacheKeys.ForGet(uri, request.Headers);
        var variants = await ReadStoreAsync(key, uri, CancellationToken.None).ConfigureAwait(false);
        if (variants is not { Count: > 0 })
        {
            return;
        }

        var responseTime = _time.GetUtcNow();
        var update = CacheHeaders.Capture(response, responseTime);
        var head = StoredResponse.Parse(200, update);
        var kept = new List<HttpCacheEntry>(variants.Count);
        var changed = false;
        foreach (var variant in variants)
        {
            if (variant is null || variant.Parsed.Unreadable is not null)
            {
                changed = true;
            }
            else if (!CacheKeys.VaryMatches(variant.VaryHeaders, request.Headers))
            {
                kept.Add(variant);
            }
            else if (CacheStrategy.HeadResponseMatches(variant.Parsed, variant.Body.Length, head))
            {
                changed = true;
                kept.Add(new HttpCacheEntry(variant.StatusCode, CacheHeaders.Merge(variant.Headers, update), variant.Body, requestTime, responseTime, variant.VaryHeaders));
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
            await WriteVariantsAsync(key, uri, [.. kept]).ConfigureAwait(false);
        }
    }

    /// <summary>§4.4: a non-error response to an unsafe method invalidates the target URI, and same-origin Location and Content-Location.</summary>
    private async Task<HttpResponseMessage> SendUnsafeAsync(HttpRequestMessage request, Uri uri, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (!CacheStrategy.Invalidates(request.Method, status))
        {
            return response;
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

        return response;
    }

    private async Task InvalidateAsync(Uri target, HttpRequestHeaders headers)
    {
        // Each credential acts as a private cache of its own: its partition goes, and so does the anonymous one,
        // which a change made with credentials may well have changed too.
        var (partition, anonymous) = CacheKeys.ForInvalidation(target, headers);
        await RemoveKeyAsync(partition, target).ConfigureAwait(false);
        if (anonymous is not null)
        {
            await RemoveKeyAsync(anonymous, target).ConfigureAwait(false);
        }
    }

    /// <summary>RFC 5861 §3: revalidates in the background, once per key at a time, off the caller's token and context.</summary>
    private void StartBackgroundRevalidation(HttpRequestMessage request, Uri uri, string key, IReadOnlyList<HttpCacheEntry> variants, HttpCacheEntry entry)
    {
        var started = _cache.TryStartRevalidation(key, () =>
        {
            var clone = CloneForRevalidation(request, uri);
            var snapshot = RequestSnapshot.Take(clone.Headers);
            if (ExecutionContext.IsFlowSuppressed())
            {
                return Task.Run(() => RevalidateInBackgroundAsync(clone, snapshot, uri, key, variants, entry));
            }

            // The caller's ambient context (logging scopes, activities, async locals) does not travel into it.
            using (ExecutionContext.SuppressFlow())
            {
                return Task.Run(() => RevalidateInBackgroundAsync(clone, snapshot, uri, key, variants, entry));
            }
        });

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            if (started)
            {
                Log.BackgroundRevalidationStarted(_logger, UriRedaction.Redact(uri));
            }
            else
            {
                Log.BackgroundRevalidationSkipped(_logger, UriRedaction.Redact(uri), "one is already running for it, or too many are running");
            }
        }
    }

    private async Task RevalidateInBackgroundAsync(HttpRequestMessage clone, RequestSnapshot snapshot, Uri uri, string key, IReadOnlyList<HttpCacheEntry> variants, HttpCacheEntry entry)
    {
        try
        {
            using var timeout = new CancellationTokenSource(BackgroundTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _cache.Stopping);
            var token = linked.Token;
            AddConditions(clone, entry.Parsed);
            var requestTime = _time.GetUtcNow();
            using var response = await base.SendAsync(clone, token).ConfigureAwait(false);
            var responseTime = _time.GetUtcNow();
            var status = (int)response.StatusCode;
            var headers = CacheHeaders.Capture(response, responseTime);
            var parsed = StoredResponse.Parse(status, headers);

            if (status == 304)
            {
                if (CacheStrategy.NotModifiedSelects(entry.Parsed, parsed))
                {
                    var updated = new HttpCacheEntry(entry.StatusCode, CacheHeaders.Merge(entry.Headers, headers), entry.Body, requestTime, responseTime, entry.VaryHeaders);
                    await StoreAsync(key, uri, variants, updated, replacing: entry).ConfigureAwait(false);
                }

                return;
            }

            // A 5xx says nothing about the stored response: it stays, stale, until a later request revalidates it.
            if (status >= 500)
            {
                return;
            }

            var lifetime = CacheStrategy.FreshnessLifetime(parsed, responseTime, _heuristic);
            var body = CacheStrategy.CanStore(parsed, CacheDirectives.Empty, lifetime) == StoreRefusal.None
                ? await ReadBoundedAsync(response.Content, parsed.ContentLength, _options.MaxEntryBytes, token).ConfigureAwait(false)
                : null;
            if (body is null)
            {
                await RemoveVariantAsync(key, uri, variants, entry).ConfigureAwait(false);
                return;
            }

            var fresh = HttpCacheEntry.Create(parsed, headers, body, requestTime, responseTime, CacheKeys.VaryValues(parsed.VaryNames, snapshot));
            await StoreAsync(key, uri, variants, fresh, replacing: entry).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.BackgroundRevalidationFailed(_logger, ex, UriRedaction.Redact(uri));
        }
        finally
        {
            clone.Dispose();
        }
    }

    /// <summary>The whole body when it is at most <paramref name="maxBytes"/> long; null when longer.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, long? announced, long maxBytes, CancellationToken cancellationToken)
    {
        if (announced > maxBytes)
        {
            return null;
        }

        using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream(announced is { } length ? (int)length : 16 * 1024);
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private static HttpRequestMessage CloneForRevalidation(HttpRequestMessage request, Uri uri)
    {
        var clone = new HttpRequestMessage(HttpMethod.Get, uri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };

        foreach (var field in request.Headers.NonValidated)
        {
            clone.Headers.TryAddWithoutValidation(field.Key, field.Value);
        }

        return clone;
    }

    private static HttpResponseMessage Serve(HttpCacheEntry entry, HttpRequestMessage request, TimeSpan age, string cacheStatus)
    {
        // §4: a response served from storage carries its current age (§5.1) and how the cache handled it (RFC 9211).
        var response = CacheHeaders.ToResponse(entry, request);
        response.Headers.TryAddWithoutValidation("Age", CacheHeaders.AgeValue(age));
        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, CacheStatus.WithStoreDetail(cacheStatus, entry.StoreDetail));
        return response;
    }

    private HttpResponseMessage OnlyIfCachedMiss(HttpRequestMessage request, Uri uri)
    {
        _metrics.Lookup(CacheOutcome.Miss);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.OnlyIfCachedMiss(_logger, UriRedaction.Redact(uri));
        }

        var response = new HttpResponseMessage(HttpStatusCode.GatewayTimeout) { RequestMessage = request };
        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _status.Detail("only-if-cached"));
        return response;
    }

    private static void AddConditions(HttpRequestMessage request, StoredResponse stored)
    {
        // §4.3.1: the entity tag as stored (weak ones too, unquoted ones as the origin sent them), and Last-Modified.
        if (stored.ETag is { } etag && request.Headers.TryAddWithoutValidation("If-None-Match", etag))
        {
            StatusAwareRequestOptions.MarkLibraryAdded(request, "If-None-Match");
        }

        if (stored.LastModifiedRaw is { } lastModified && request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified))
        {
            StatusAwareRequestOptions.MarkLibraryAdded(request, "If-Modified-Since");
        }
    }

    private static void RemoveConditions(HttpRequestMessage request)
    {
        if (!request.Options.TryGetValue(StatusAwareRequestOptions.LibraryAddedHeaders, out var added))
        {
            return;
        }

        foreach (var name in (ReadOnlySpan<string>)["If-None-Match", "If-Modified-Since"])
        {
            if (added.Remove(name))
            {
                request.Headers.Remove(name);
            }
        }
    }

    /// <summary>The stored response to use for the request (§4.1); an unreadable entry makes the whole key a miss.</summary>
    private HttpCacheEntry? Select(string key, Uri uri, ref IReadOnlyList<HttpCacheEntry>? variants, HttpRequestHeaders headers)
    {
        if (variants is null)
        {
            return null;
        }

        string? unreadable = null;
        try
        {
            for (var i = 0; i < variants.Count && unreadable is null; i++)
            {
                unreadable = variants[i] is null ? "a null variant" : variants[i].Parsed.Unreadable;
            }

            if (unreadable is null)
            {
                return CacheKeys.Select(variants, headers);
            }
        }
        catch (Exception ex)
        {
            unreadable = ex.GetType().Name;
        }

        variants = null;
        _metrics.StoreError("read");
        Log.EntryUnreadable(_logger, UriRedaction.Redact(uri), unreadable);
        _ = RemoveKeyAsync(key, uri);
        return null;
    }

    private async ValueTask<IReadOnlyList<HttpCacheEntry>?> ReadStoreAsync(string key, Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            return await _cache.Store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            _metrics.StoreError("get");
            Log.StoreReadFailed(_logger, ex, UriRedaction.Redact(uri));
            return null;
        }
    }

    /// <summary>Stores <paramref name="entry"/> with the other variants of its key, replacing the one it updates.</summary>
    private async ValueTask StoreAsync(string key, Uri uri, IReadOnlyList<HttpCacheEntry>? variants, HttpCacheEntry entry, HttpCacheEntry? replacing)
    {
        if (await WriteVariantsAsync(key, uri, Merge(variants, entry, replacing)).ConfigureAwait(false))
        {
            _metrics.Stored(entry.Body.Length);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.Stored(_logger, UriRedaction.Redact(uri), entry.StatusCode, entry.Body.Length);
            }
        }
    }

    /// <summary>The variants kept under the key once <paramref name="entry"/> is stored: the newest <see cref="MaxVariants"/>.</summary>
    private static HttpCacheEntry[] Merge(IReadOnlyList<HttpCacheEntry>? variants, HttpCacheEntry entry, HttpCacheEntry? replacing)
    {
        // The common case, the first variant of its key, needs no list.
        if (variants is null || variants.Count == 0)
        {
            return [entry];
        }

        var merged = new List<HttpCacheEntry>(variants.Count + 1);
        foreach (var variant in variants)
        {
            if (variant is not null && !ReferenceEquals(variant, replacing) && variant.Parsed.Unreadable is null && !SameVariant(variant, entry))
            {
                merged.Add(variant);
            }
        }

        merged.Add(entry);
        if (merged.Count > MaxVariants)
        {
            merged.RemoveRange(0, merged.Count - MaxVariants);
        }

        return [.. merged];
    }

    private async ValueTask RemoveVariantAsync(string key, Uri uri, IReadOnlyList<HttpCacheEntry>? variants, HttpCacheEntry entry)
    {
        var kept = new List<HttpCacheEntry>();
        if (variants is not null)
        {
            foreach (var variant in variants)
            {
                if (variant is not null && !ReferenceEquals(variant, entry) && variant.Parsed.Unreadable is null)
                {
                    kept.Add(variant);
                }
            }
        }

        await WriteVariantsAsync(key, uri, [.. kept]).ConfigureAwait(false);
    }

    private async ValueTask<bool> WriteVariantsAsync(string key, Uri uri, HttpCacheEntry[] entries)
    {
        if (entries.Length == 0)
        {
            await RemoveKeyAsync(key, uri).ConfigureAwait(false);
            return false;
        }

        try
        {
            await _cache.Store.SetAsync(key, entries, CacheStrategy.TimeToLive(entries, _time.GetUtcNow(), _heuristic), CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            _metrics.StoreError("set");
            Log.StoreWriteFailed(_logger, ex, "write", UriRedaction.Redact(uri));
            return false;
        }
    }

    private async Task RemoveKeyAsync(string key, Uri uri)
    {
        try
        {
            await _cache.Store.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _metrics.StoreError("remove");
            Log.StoreWriteFailed(_logger, ex, "remove", UriRedaction.Redact(uri));
        }
    }

    private void EndFlight(string key, InFlightRequest? flight)
    {
        if (flight is not null)
        {
            flight.Decline();
            _cache.InFlight.TryRemove(new KeyValuePair<string, InFlightRequest>(key, flight));
        }
    }

    private void LogStale(Uri uri, string reason, LookupDecision decision)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            Log.ServedStale(_logger, UriRedaction.Redact(uri), reason, (long)decision.Staleness.TotalSeconds);
        }
    }

    /// <summary>The origin failed to answer (not the caller cancelling): what stale-if-error covers.</summary>
    private static bool IsOriginFailure(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && ex is HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException;

    private static bool SameVariant(HttpCacheEntry a, HttpCacheEntry b)
    {
        var (x, y) = (a.VaryHeaders, b.VaryHeaders);
        if (x.Count != y.Count)
        {
            return false;
        }

        for (var i = 0; i < x.Count; i++)
        {
            if (!string.Equals(x[i].Key, y[i].Key, StringComparison.OrdinalIgnoreCase) || !string.Equals(x[i].Value, y[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
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

    private static string RefusalText(StoreRefusal refusal) => refusal switch
    {
        StoreRefusal.Unreadable => "a header line is not a valid field",
        StoreRefusal.Status => "its status is not stored",
        StoreRefusal.PartialContent => "206 Partial Content is never stored",
        StoreRefusal.NoStoreRequest => "the request said no-store",
        StoreRefusal.NoStoreResponse => "the response said no-store",
        StoreRefusal.SetCookie => "it sets a cookie",
        StoreRefusal.VaryStar => "Vary: * never matches",
        StoreRefusal.NotCacheable => "no explicit freshness and a status not cacheable by default",
        _ => "it could never be used (no freshness, no validator)",
    };
}
