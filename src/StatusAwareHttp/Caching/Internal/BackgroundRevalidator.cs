using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// RFC 5861 §3: revalidates a stale response in the background while it is served, once per key at a time, at most
/// <see cref="ClientCache.MaxBackgroundRevalidations"/> at once, off the caller's token and execution context, and
/// never for longer than <see cref="Timeout"/>. What the answer does to the stored entry is <see cref="OriginAnswers"/>'s
/// to decide, as on the foreground paths.
/// </summary>
internal sealed class BackgroundRevalidator
{
    /// <summary>How long a background revalidation may take before it is abandoned.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(100);

    private readonly CacheContext _context;
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _send;

    /// <summary>Makes the revalidator; <paramref name="send"/> sends a request to the handlers inside the cache.</summary>
    public BackgroundRevalidator(CacheContext context, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send)
    {
        _context = context;
        _send = send;
    }

    /// <summary>Starts revalidating <paramref name="entry"/>, unless one runs for its key already or too many run.</summary>
    public void Start(in CacheLookup lookup, string key, IReadOnlyList<HttpCacheEntry>? variants, HttpCacheEntry entry)
    {
        var (request, uri, rule) = (lookup.Request, lookup.Uri, lookup.Override.Rule);
        var started = _context.Cache.TryStartRevalidation(key, () =>
        {
            var clone = Clone(request, uri);
            var snapshot = RequestSnapshot.Take(clone.Headers);
            if (ExecutionContext.IsFlowSuppressed())
            {
                return Task.Run(() => RunAsync(clone, snapshot, uri, key, rule, variants, entry));
            }

            // The caller's ambient context (logging scopes, activities, async locals) does not travel into it.
            using (ExecutionContext.SuppressFlow())
            {
                return Task.Run(() => RunAsync(clone, snapshot, uri, key, rule, variants, entry));
            }
        });

        if (_context.Logger.IsEnabled(LogLevel.Debug))
        {
            if (started)
            {
                Log.BackgroundRevalidationStarted(_context.Logger, UriRedaction.Redact(uri));
            }
            else
            {
                Log.BackgroundRevalidationSkipped(_context.Logger, UriRedaction.Redact(uri), "one is already running for it, or too many are running");
            }
        }
    }

    /// <summary>
    /// Sends the conditional request and does what <see cref="OriginAnswers"/> decides its answer does to the stored
    /// entry, as the foreground does: a 304 merged (with the URL rule's lifetime again) and stored when it may still be,
    /// a full response stored once read whole or the entry removed, a 5xx leaving it stale.
    /// </summary>
    private async Task RunAsync(HttpRequestMessage clone, RequestSnapshot snapshot, Uri uri, string key, CacheRule? rule, IReadOnlyList<HttpCacheEntry>? variants, HttpCacheEntry entry)
    {
        try
        {
            using var timeout = new CancellationTokenSource(Timeout, _context.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _context.Cache.Stopping);
            var token = linked.Token;
            _ = CacheConditions.Add(clone, entry.Parsed);
            var requestTime = _context.Time.GetUtcNow();
            using var response = await _send(clone, token).ConfigureAwait(false);
            var responseTime = _context.Time.GetUtcNow();
            var status = (int)response.StatusCode;
            var answer = new OriginAnswer(status, CacheHeaders.Capture(response, responseTime), StoreRefusal.None, requestTime, responseTime);
            var outcome = OriginAnswers.Decide(AnswerPath.Background, answer, entry, _context.Terms(rule, CacheDirectives.Empty, ForwardReason.Stale));
            switch (outcome)
            {
                case { Effect: AnswerEffect.Store, Entry: { } updated }:
                    await _context.Variants.StoreAsync(key, uri, variants, updated, replacing: entry).ConfigureAwait(false);
                    break;

                case { Effect: AnswerEffect.Store, Lines: { } lines, Fields: { } fields }:
                    var body = await ReadBoundedAsync(response.Content, fields.ContentLength, _context.Options.MaxEntryBytes, token).ConfigureAwait(false);
                    if (body is null)
                    {
                        await _context.Variants.RemoveVariantAsync(key, uri, variants, entry).ConfigureAwait(false);
                        break;
                    }

                    var fresh = OriginAnswers.NewEntry(lines, fields, body, requestTime, responseTime, CacheVary.Values(fields.VaryNames, snapshot));
                    await _context.Variants.StoreAsync(key, uri, variants, fresh, replacing: entry).ConfigureAwait(false);
                    break;

                case { Effect: AnswerEffect.Remove }:
                    await _context.Variants.RemoveVariantAsync(key, uri, variants, entry).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex)
        {
            Log.BackgroundRevalidationFailed(_context.Logger, ex, UriRedaction.Redact(uri));
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

    private static HttpRequestMessage Clone(HttpRequestMessage request, Uri uri)
    {
        var clone = new HttpRequestMessage(HttpMethod.Get, uri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };

        // RFC 10008 §2.6, §2.7: a query is revalidated with the same content it is keyed by (read once, as the caller sent it).
        if (request.Content is StatusAwareHttp.Internal.QueryContent query)
        {
            clone.Method = request.Method;
            clone.Content = query.Copy();
            if (StatusAwareHttp.Internal.QueryRequests.IsMarked(request))
            {
                StatusAwareHttp.Internal.QueryRequests.Mark(clone, isQuery: true);
            }
        }

        foreach (var field in request.Headers.NonValidated)
        {
            clone.Headers.TryAddWithoutValidation(field.Key, field.Value);
        }

        return clone;
    }
}
