using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The variants stored under one cache key (RFC 9111 §4.1): the only code that calls <see cref="IHttpCacheStore"/>.
/// Reads, merges, writes and removes; never throws for a store failure (a failing store counts and logs, and the
/// request goes on as a miss or unstored).
/// </summary>
internal sealed class CacheVariants
{
    /// <summary>The most variants kept under one key; the oldest go first.</summary>
    internal const int MaxVariants = 16;

    private readonly IHttpCacheStore _store;
    private readonly CacheContext _context;

    public CacheVariants(IHttpCacheStore store, CacheContext context)
    {
        _store = store;
        _context = context;
    }

    /// <summary>The variants stored under <paramref name="key"/>; null when none, or when the store failed (a miss).</summary>
    /// <remarks>A store that answers at once (the memory store) is read without an async frame.</remarks>
    public ValueTask<IReadOnlyList<HttpCacheEntry>?> ReadAsync(string key, Uri uri, CancellationToken cancellationToken)
    {
        ValueTask<IReadOnlyList<HttpCacheEntry>?> read;
        try
        {
            read = _store.GetAsync(key, cancellationToken);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return new(ReadFailed(ex, uri));
        }

        return read.IsCompletedSuccessfully ? read : AwaitReadAsync(read, uri, cancellationToken);
    }

    private async ValueTask<IReadOnlyList<HttpCacheEntry>?> AwaitReadAsync(ValueTask<IReadOnlyList<HttpCacheEntry>?> read, Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return ReadFailed(ex, uri);
        }
    }

    private IReadOnlyList<HttpCacheEntry>? ReadFailed(Exception ex, Uri uri)
    {
        _context.Metrics.StoreError("get");
        Log.StoreReadFailed(_context.Logger, ex, UriRedaction.Redact(uri));
        return null;
    }

    /// <summary>
    /// The stored response to use for the request (§4.1); an unreadable entry makes the whole key a miss and is removed
    /// (by the caller when it passes no <paramref name="key"/>: <paramref name="variants"/> is then set to null).
    /// </summary>
    /// <remarks>
    /// A body its store reads only when used (<see cref="HttpCacheDeferredBody"/>) is loaded here unless
    /// <paramref name="loadBody"/> is false (a range request reads only its bytes); one that cannot be read back (its
    /// store found it damaged and removed it, or it changed meanwhile) is a miss, never a wrong answer.
    /// </remarks>
    public HttpCacheEntry? Select(string? key, Uri uri, ref IReadOnlyList<HttpCacheEntry>? variants, HttpRequestHeaders headers, bool loadBody = true)
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
                var selected = CacheVary.Select(variants, headers);
                if (selected is null || !loadBody || StoredBodies.TryLoad(selected))
                {
                    return selected;
                }

                variants = null;
                return null;
            }
        }
        catch (Exception ex)
        {
            unreadable = ex.GetType().Name;
        }

        variants = null;
        _context.Metrics.StoreError("read");
        Log.EntryUnreadable(_context.Logger, UriRedaction.Redact(uri), unreadable);
        if (key is not null)
        {
            _ = RemoveKeyAsync(key, uri);
        }

        return null;
    }

    /// <summary>Stores <paramref name="entry"/> with the other variants of its key, replacing the one it updates.</summary>
    public async ValueTask StoreAsync(string key, Uri uri, IReadOnlyList<HttpCacheEntry>? variants, HttpCacheEntry entry, HttpCacheEntry? replacing)
    {
        if (await WriteAsync(key, uri, Merge(variants, entry, replacing)).ConfigureAwait(false))
        {
            _context.Metrics.Stored(entry.Body.Length);
            if (_context.Logger.IsEnabled(LogLevel.Debug))
            {
                Log.Stored(_context.Logger, UriRedaction.Redact(uri), entry.StatusCode, entry.Body.Length);
            }
        }
    }

    /// <summary>Removes <paramref name="entry"/> from its key, keeping the other (readable) variants.</summary>
    public async ValueTask RemoveVariantAsync(string key, Uri uri, IReadOnlyList<HttpCacheEntry>? variants, HttpCacheEntry entry)
    {
        // Indexed loops: no enumerator on the heap per call.
        var kept = new List<HttpCacheEntry>();
        for (var i = 0; variants is not null && i < variants.Count; i++)
        {
            var variant = variants[i];
            if (variant is not null && !ReferenceEquals(variant, entry) && variant.Parsed.Unreadable is null)
            {
                kept.Add(variant);
            }
        }

        await WriteAsync(key, uri, [.. kept]).ConfigureAwait(false);
    }

    /// <summary>Writes the key's variants (an empty set removes the key); false when nothing was written.</summary>
    public async ValueTask<bool> WriteAsync(string key, Uri uri, HttpCacheEntry[] entries)
    {
        if (entries.Length == 0)
        {
            await RemoveKeyAsync(key, uri).ConfigureAwait(false);
            return false;
        }

        try
        {
            await _store.SetAsync(key, entries, CacheStrategy.TimeToLive(entries, _context.Time.GetUtcNow(), _context.Heuristic), CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            _context.Metrics.StoreError("set");
            Log.StoreWriteFailed(_context.Logger, ex, "write", UriRedaction.Redact(uri));
            return false;
        }
    }

    /// <summary>Removes every variant of the key.</summary>
    public async Task RemoveKeyAsync(string key, Uri uri)
    {
        try
        {
            await _store.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _context.Metrics.StoreError("remove");
            Log.StoreWriteFailed(_context.Logger, ex, "remove", UriRedaction.Redact(uri));
        }
    }

    /// <summary>
    /// Removes every key filed under <paramref name="tag"/> (<see cref="IHttpCacheStoreTags"/>); false when the store
    /// cannot (it does not implement it, or it failed: counted and logged).
    /// </summary>
    public async ValueTask<bool> RemoveTaggedAsync(string tag, Uri uri)
    {
        if (_store is not IHttpCacheStoreTags tags)
        {
            return false;
        }

        try
        {
            await tags.RemoveTaggedAsync(tag, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            _context.Metrics.StoreError("remove");
            Log.StoreWriteFailed(_context.Logger, ex, "remove", UriRedaction.Redact(uri));
            return false;
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

        // The common case, the one variant of its key replaced by its update, needs no list either.
        if (variants.Count == 1 && (ReferenceEquals(variants[0], replacing) || (variants[0] is { } only && SameVariant(only, entry))))
        {
            return [entry];
        }

        var merged = new List<HttpCacheEntry>(variants.Count + 1);
        for (var i = 0; i < variants.Count; i++)
        {
            var variant = variants[i];
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
}
