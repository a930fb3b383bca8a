using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// RFC 5861 §3: revalidates a stale response in the background while it is served, once per key at a time, at most
/// <see cref="ClientCache.MaxBackgroundRevalidations"/> at once, off the caller's token and execution context, and
/// never for longer than <see cref="Timeout"/>.
/// </summary>
internal sealed class BackgroundRevalidator
{
    /// <summary>How long a background revalidation may take before it is abandoned.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(100);

    private readonly ClientCache _cache;
    private readonly CacheVariants _variants;
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _send;
    private readonly long _maxEntryBytes;
    private readonly HeuristicSettings _heuristic;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Makes the revalidator; <paramref name="send"/> sends a request to the handlers inside the cache.</summary>
    public BackgroundRevalidator(
        ClientCache cache, CacheVariants variants, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, CacheOptions options, TimeProvider time, ILogger logger)
    {
        _cache = cache;
        _variants = variants;
        _send = send;
        _maxEntryBytes = options.MaxEntryBytes;
        _heuristic = HeuristicSettings.From(options);
        _time = time;
        _logger = logger;
    }

    /// <summary>Starts revalidating <paramref name="entry"/>, unless one runs for its key already or too many run.</summary>
    public void Start(HttpRequestMessage request, Uri uri, string key, IReadOnlyList<HttpCacheEntry> variants, HttpCacheEntry entry)
    {
        var started = _cache.TryStartRevalidation(key, () =>
        {
            var clone = Clone(request, uri);
            var snapshot = RequestSnapshot.Take(clone.Headers);
            if (ExecutionContext.IsFlowSuppressed())
            {
                return Task.Run(() => RunAsync(clone, snapshot, uri, key, variants, entry));
            }

            // The caller's ambient context (logging scopes, activities, async locals) does not travel into it.
            using (ExecutionContext.SuppressFlow())
            {
                return Task.Run(() => RunAsync(clone, snapshot, uri, key, variants, entry));
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

    private async Task RunAsync(HttpRequestMessage clone, RequestSnapshot snapshot, Uri uri, string key, IReadOnlyList<HttpCacheEntry> variants, HttpCacheEntry entry)
    {
        try
        {
            using var timeout = new CancellationTokenSource(Timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _cache.Stopping);
            var token = linked.Token;
            _ = CacheConditions.Add(clone, entry.Parsed);
            var requestTime = _time.GetUtcNow();
            using var response = await _send(clone, token).ConfigureAwait(false);
            var responseTime = _time.GetUtcNow();
            var status = (int)response.StatusCode;
            var headers = CacheHeaders.Capture(response, responseTime);
            var parsed = ResponseFields.Parse(status, headers);

            if (status == 304)
            {
                if (CacheStrategy.NotModifiedSelects(entry.Parsed, parsed))
                {
                    await _variants.StoreAsync(key, uri, variants, CacheVariants.WithUpdate(entry, headers, requestTime, responseTime), replacing: entry).ConfigureAwait(false);
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
                ? await ReadBoundedAsync(response.Content, parsed.ContentLength, _maxEntryBytes, token).ConfigureAwait(false)
                : null;
            if (body is null)
            {
                await _variants.RemoveVariantAsync(key, uri, variants, entry).ConfigureAwait(false);
                return;
            }

            var fresh = HttpCacheEntry.Create(parsed, StoredLines.Compact(headers), body, requestTime, responseTime, CacheVary.Values(parsed.VaryNames, snapshot));
            await _variants.StoreAsync(key, uri, variants, fresh, replacing: entry).ConfigureAwait(false);
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

    private static HttpRequestMessage Clone(HttpRequestMessage request, Uri uri)
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
}
