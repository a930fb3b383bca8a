using System.Globalization;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// A <c>Range</c> GET (RFC 9110 §14.2, with <c>If-Range</c> §13.1.5 and no other precondition): answered from a usable
/// stored 200 as <see cref="RangeRequests"/> decides (one range as a 206, the whole response, or a 416), or from the
/// stored parts of the representation (RFC 9111 §3.3-3.4, <see cref="PartEntries"/>), fetching only the bytes still
/// missing with one <c>Range</c> and <c>If-Range</c>; else passed to the origin as it came, its 206 kept as a part.
/// </summary>
internal sealed partial class CachingHandler
{
    private async Task<HttpResponseMessage> SendRangeAsync(HttpRequestMessage request, Uri uri, bool async, CancellationToken cancellationToken)
    {
        var over = OverrideOf(request, uri);
        if (over.Mode != HttpCacheMode.Default || !CacheHeaders.TryReadRange(request.Headers, out var range, out var ifRange))
        {
            // A request mode or the offline switch keeps its meaning for range requests: they pass through as before.
            return RefuseOffline(request) ?? await SendInner(request, async, cancellationToken).ConfigureAwait(false);
        }

        var lookup = new CacheLookup(request, uri, CacheHeaders.ReadRequestDirectives(request.Headers), over);
        var key = _context.Keys.ForGet(uri, request.Headers);
        var variants = await _variants.ReadAsync(key, uri, cancellationToken).ConfigureAwait(false);
        // A body its store reads only when used is not loaded: a range served from storage reads only its bytes.
        var entry = _variants.Select(key, uri, ref variants, request.Headers, loadBody: false);
        PartSet? parts = null;
        if (entry is not null)
        {
            var now = _context.Time.GetUtcNow();
            var decision = CacheStrategy.Decide(entry, lookup.Directives, now, _context.Heuristic);
            var fields = entry.Parsed;
            var readable = true;
            if (PartEntries.TryRead(entry, out parts))
            {
                if (decision.Action is LookupAction.Fresh or LookupAction.ServeStale
                    && (ifRange is null || RangeRequests.IfRangeHolds(ifRange, fields.ETag, fields.LastModified, fields.Date, now))
                    && RangeRequests.Evaluate(range, parts.Length) is { Action: RangeAction.Partial or RangeAction.Unsatisfiable } wanted)
                {
                    if (wanted.Action == RangeAction.Unsatisfiable)
                    {
                        return _answers.RangeHit(entry, request, uri, decision, wanted, default);
                    }

                    if (parts.TrySlice(wanted.First, wanted.Last, out var held))
                    {
                        if (StoredBodies.TryRead(held, out var bytes))
                        {
                            return _answers.RangeHit(entry, request, uri, decision, wanted, bytes);
                        }

                        readable = false;
                    }
                    else if (!StoredBodies.TryLoad(entry))
                    {
                        readable = false;
                    }
                    else if (await FetchMissingAsync(lookup, key, variants, entry, parts, wanted, async, cancellationToken).ConfigureAwait(false) is { } combined)
                    {
                        return combined;
                    }
                }
            }
            else if (decision.Action is LookupAction.Fresh or LookupAction.ServeStale)
            {
                var answer = RangeRequests.Decide(range, ifRange, entry.StatusCode, fields.ETag, fields.LastModified, fields.Date, entry.Body.Length, now);
                switch (answer.Action)
                {
                    case RangeAction.Whole when StoredBodies.TryLoad(entry):
                        return ServeHit(lookup, entry, decision);
                    case RangeAction.Partial when StoredBodies.TryRead(entry.Body.Slice((int)answer.First, (int)answer.Count), out var bytes):
                        return _answers.RangeHit(entry, request, uri, decision, answer, bytes);
                    case RangeAction.Unsatisfiable:
                        return _answers.RangeHit(entry, request, uri, decision, answer, default);
                    case RangeAction.Whole or RangeAction.Partial:
                        readable = false;
                        break;
                }
            }

            // Stored parts are combined with what the origin sends: their bytes are needed whole. A stored body that
            // cannot be read back (its store found it damaged and removed it, or it changed meanwhile) is a miss.
            if (!readable || (parts is not null && !StoredBodies.TryLoad(entry)))
            {
                (entry, parts, variants) = (null, null, null);
            }
        }

        // §5.2.1.7: only-if-cached never goes forward.
        if (lookup.Directives.OnlyIfCached)
        {
            return _answers.OnlyIfCachedMiss(request, uri);
        }

        var requestTime = _context.Time.GetUtcNow();
        var response = await SendInner(request, async, cancellationToken).ConfigureAwait(false);
        if (entry is null || parts is not null)
        {
            // §3.3: the origin's 206 is kept as a part of its representation (a complete stored 200 is never replaced by one).
            try
            {
                await KeepPartAsync(lookup, key, variants, entry, parts, response, requestTime, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The body broke while it was read: the caller gets the error it would have got reading it.
                response.Dispose();
                throw;
            }
        }

        return response;
    }

    /// <summary>
    /// §3.3: asks the origin for the one range still missing (<see cref="PartSet.Missing"/>) with <c>If-Range</c> set to
    /// the stored validator, combines the answer with the stored parts and serves the requested range from them. Null
    /// when the origin's answer does not complete the request (then the request goes to the origin as it came), the
    /// origin's 200 when it sent the whole (changed) representation.
    /// </summary>
    private async Task<HttpResponseMessage?> FetchMissingAsync(CacheLookup lookup, string key, IReadOnlyList<HttpCacheEntry>? variants, HttpCacheEntry entry, PartSet parts, RangeDecision wanted, bool async, CancellationToken cancellationToken)
    {
        if (PartialRules.IfRangeValue(entry.Parsed) is not { } validator || parts.Missing(wanted.First, wanted.Last) is not { } missing)
        {
            return null;
        }

        var request = lookup.Request;
        var headers = request.Headers;
        var (savedRange, savedIfRange) = (Saved(headers, "Range"), Saved(headers, "If-Range"));
        headers.Remove("Range");
        headers.Remove("If-Range");
        headers.TryAddWithoutValidation("Range", string.Create(CultureInfo.InvariantCulture, $"bytes={missing.First}-{missing.Last}"));
        headers.TryAddWithoutValidation("If-Range", validator);
        var requestTime = _context.Time.GetUtcNow();
        HttpResponseMessage response;
        try
        {
            response = await SendInner(request, async, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The caller's request as it came.
            headers.Remove("Range");
            headers.Remove("If-Range");
            headers.TryAddWithoutValidation("Range", savedRange);
            if (savedIfRange is not null)
            {
                headers.TryAddWithoutValidation("If-Range", savedIfRange);
            }
        }

        if (response.StatusCode == System.Net.HttpStatusCode.OK)
        {
            // §13.1.5: the stored validator no longer holds: the whole new representation answers the range request,
            // and replaces the parts when it may be stored.
            try
            {
                await KeepWholeAsync(lookup, key, variants, entry, response, requestTime, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }

            return response;
        }

        HttpCacheEntry? combined;
        using (response)
        {
            combined = await KeepPartAsync(lookup, key, variants, entry, parts, response, requestTime, cancellationToken).ConfigureAwait(false);
        }

        ReadOnlyMemory<byte> bytes;
        if (combined is { StatusCode: 200 })
        {
            bytes = combined.Body.Slice((int)wanted.First, (int)wanted.Count);
        }
        else if (combined is not null && PartEntries.TryRead(combined, out var held) && held.TrySlice(wanted.First, wanted.Last, out var slice))
        {
            bytes = slice;
        }
        else
        {
            return null;
        }

        // RFC 9211 §2.2: fwd=partial, the stored response was incomplete; what the origin sent was stored with it.
        var decision = CacheStrategy.Decide(combined, lookup.Directives, _context.Time.GetUtcNow(), _context.Heuristic);
        var status = _context.Status.Forward(ForwardReason.Partial, 206, decision.TimeToLive, stored: true);
        return _answers.RangeHit(combined, request, lookup.Uri, decision, wanted, bytes, status);
    }

    /// <summary>
    /// §3.3-3.4: keeps the origin's 206 to a range request as a part of its representation when it may be stored (as an
    /// incomplete 200 would be), has one byte range of a known length within <see cref="CacheOptions.MaxEntryBytes"/>,
    /// and a strong validator; combined with the stored parts of the same validator and length, else replacing them.
    /// The response's body is buffered and stays readable. The entry stored, or null when nothing was.
    /// </summary>
    private async Task<HttpCacheEntry?> KeepPartAsync(CacheLookup lookup, string key, IReadOnlyList<HttpCacheEntry>? variants, HttpCacheEntry? stored, PartSet? parts, HttpResponseMessage response, DateTimeOffset requestTime, CancellationToken cancellationToken)
    {
        if (response.StatusCode != System.Net.HttpStatusCode.PartialContent
            || !response.Content.Headers.NonValidated.TryGetValues("Content-Range", out var contentRange)
            || contentRange.Count != 1
            || !ContentRange.TryParse(contentRange.ToString(), out var part)
            || part.Length > _context.Options.MaxEntryBytes)
        {
            return null;
        }

        var responseTime = _context.Time.GetUtcNow();
        var lines = CacheHeaders.Capture(response, responseTime);
        var asComplete = ResponseFields.Parse(200, lines, responseTime);
        var validator = PartialRules.StrongValidator(asComplete);
        var lifetime = CacheStrategy.FreshnessLifetime(asComplete, responseTime, _context.Heuristic);
        if (validator is null || CacheStrategy.CanStore(asComplete, lookup.Directives, lifetime) != StoreRefusal.None || lifetime <= TimeSpan.Zero)
        {
            return null;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (bytes.Length != part.Count || !PartMatchesDigest(lookup, response, bytes))
        {
            return null;
        }

        // §3.4: parts of one strong validator combine; of another, the newer replaces the stored ones.
        var same = stored is not null && parts is not null && parts.Length == part.Length && PartialRules.StrongValidator(stored.Parsed) == validator;
        var combined = same ? parts!.With(part, bytes) : PartSet.Of(part, bytes);
        var entry = PartEntries.Make(lines, same ? stored : null, combined, requestTime, responseTime, CacheVary.Values(asComplete.VaryNames, RequestSnapshot.Take(lookup.Request.Headers)));
        await _variants.StoreAsync(key, lookup.Uri, variants, entry, replacing: stored).ConfigureAwait(false);
        return entry;
    }

    /// <summary>
    /// §3: the origin's 200 to the cache's own range request, stored in place of the parts when it may be (within
    /// <see cref="CacheOptions.MaxEntryBytes"/>); its body is buffered and stays readable.
    /// </summary>
    private async Task KeepWholeAsync(CacheLookup lookup, string key, IReadOnlyList<HttpCacheEntry>? variants, HttpCacheEntry stored, HttpResponseMessage response, DateTimeOffset requestTime, CancellationToken cancellationToken)
    {
        var responseTime = _context.Time.GetUtcNow();
        var lines = CacheHeaders.Capture(response, responseTime);
        var fields = ResponseFields.Parse(200, lines, responseTime);
        var lifetime = CacheStrategy.FreshnessLifetime(fields, responseTime, _context.Heuristic);
        if (fields.ContentLength is not { } length || length > _context.Options.MaxEntryBytes
            || CacheStrategy.CanStore(fields, lookup.Directives, lifetime) != StoreRefusal.None || lifetime <= TimeSpan.Zero)
        {
            return;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length == length)
        {
            var entry = OriginAnswers.NewEntry(lines, fields, body, requestTime, responseTime, CacheVary.Values(fields.VaryNames, RequestSnapshot.Take(lookup.Request.Headers)));
            await _variants.StoreAsync(key, lookup.Uri, variants, entry, replacing: stored).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// RFC 9530 §2: a part that carries <c>Content-Digest</c> is checked before it is stored; one that does not match is
    /// not stored, and its reader gets the bytes received and then an <see cref="IOException"/> naming the digest, as
    /// for a 200 (the response's content is replaced by one that ends so).
    /// </summary>
    private bool PartMatchesDigest(CacheLookup lookup, HttpResponseMessage response, byte[] bytes)
    {
        if (!_context.Options.VerifyDigests || Digests.Internal.BodyDigest.ForContent(response) is not { } check)
        {
            return true;
        }

        using (check)
        {
            check.Append(bytes);
            if (check.Mismatch() is not { } wrong)
            {
                return true;
            }

            Digests.Internal.Log.CachedBodyMismatch(_context.Logger, UriRedaction.Redact(lookup.Uri), wrong.ToString());
            var original = response.Content;
            response.Content = new Digests.Internal.MismatchedBodyContent(original, bytes, new Digests.Internal.DigestMismatchException(wrong, "a partial response (206)"));
            original.Dispose();
            return false;
        }
    }

    private static string? Saved(System.Net.Http.Headers.HttpRequestHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
