using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// <see cref="IHttpCache"/> of one client name, a keyed singleton under it: reads and removes through the client's
/// store (<see cref="IHttpCacheStoreInspection"/> where it has it), and holds the offline switch on the client's
/// <see cref="ClientCache"/>, so it outlives handler rotation like the store does.
/// </summary>
internal sealed class HttpCacheInspector : IHttpCache
{
    private readonly ClientCache _cache;
    private readonly CacheKeyPolicy _keys;
    private readonly HeuristicSettings _heuristic;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public HttpCacheInspector(ClientCache cache, CacheKeyPolicy keys, HeuristicSettings heuristic, TimeProvider time, ILogger logger)
    {
        _cache = cache;
        _keys = keys;
        _heuristic = heuristic;
        _time = time;
        _logger = logger;
    }

    public string ClientName => _cache.Name;

    public bool CanEnumerate => _cache.Store is IHttpCacheStoreInspection;

    public bool Offline
    {
        get => _cache.Offline;
        set
        {
            if (_cache.Offline != value)
            {
                _cache.Offline = value;
                ControlLog.OfflineSwitched(_logger, ClientName, value ? "offline" : "online");
            }
        }
    }

    public static HttpCacheInspector Create(string clientName, IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get(clientName);
        return new HttpCacheInspector(
            services.GetRequiredKeyedService<ClientCache>(clientName),
            new CacheKeyPolicy(options.SensitiveHeaders, options.Cache.IgnoredQueryParameters),
            HeuristicSettings.From(options.Cache),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger<HttpCacheInspector>());
    }

    public async IAsyncEnumerable<HttpCacheEntryInfo> GetEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var inspection = Inspection("list its entries");
        await foreach (var key in inspection.GetKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!CacheKeyPolicy.TryParseKey(key, out var method, out var text, out var partitioned) || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
            {
                continue;
            }

            var variants = await _cache.Store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (variants is not { Count: > 0 } || variants[^1] is not { } last)
            {
                continue;
            }

            yield return Describe(uri, partitioned, variants, last, _time.GetUtcNow(), _heuristic, method);
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => _cache.Store.FlushAsync(cancellationToken);

    public async ValueTask<int> RemoveAsync(Uri uri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException("The URI must be absolute.", nameof(uri));
        }

        var text = _keys.UriText(uri);
        if (!CanEnumerate)
        {
            await _cache.Store.RemoveAsync(_keys.Anonymous(uri), cancellationToken).ConfigureAwait(false);
            ControlLog.Removed(_logger, 1, ClientName, "by URI, anonymous partition only");
            return -1;
        }

        var removed = await RemoveWhereAsync(keyUri => string.Equals(keyUri, text, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
        ControlLog.Removed(_logger, removed, ClientName, "by URI");
        return removed;
    }

    public async ValueTask<int> RemoveByPrefixAsync(string uriPrefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uriPrefix);
        Inspection("remove by URI prefix");
        var removed = await RemoveWhereAsync(keyUri => keyUri.StartsWith(uriPrefix, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
        ControlLog.Removed(_logger, removed, ClientName, "by URI prefix");
        return removed;
    }

    public async ValueTask<int> InvalidateGroupAsync(Uri origin, string group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(group);
        if (!origin.IsAbsoluteUri)
        {
            throw new ArgumentException("The origin must be an absolute URI.", nameof(origin));
        }

        var tags = _cache.Store as IHttpCacheStoreTags
            ?? throw new NotSupportedException(
                $"The HTTP cache store of client '{ClientName}' ({_cache.Store.GetType().Name}) cannot invalidate a cache group: it does not implement IHttpCacheStoreTags.");

        // Made whole even when the caller stops waiting, as an invalidation from the origin is.
        var removed = await tags.RemoveTaggedAsync(CacheTags.Group(CacheTags.Origin(origin), group), CancellationToken.None).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        ControlLog.Removed(_logger, removed, ClientName, "by cache group");
        return removed;
    }

    public async ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        await Inspection("be cleared").ClearAsync(cancellationToken).ConfigureAwait(false);
        ControlLog.Removed(_logger, -1, ClientName, "clear");
    }

    /// <summary>The figures of one key (never a credential: only whether it is partitioned).</summary>
    internal static HttpCacheEntryInfo Describe(Uri uri, bool partitioned, IReadOnlyList<HttpCacheEntry> variants, HttpCacheEntry last, DateTimeOffset now, HeuristicSettings heuristic, string method = "GET")
    {
        long bytes = 0;
        foreach (var variant in variants)
        {
            bytes += variant.Body.Length;
            foreach (var line in variant.Headers)
            {
                bytes += Encoding.UTF8.GetByteCount(line.Key) + Encoding.UTF8.GetByteCount(line.Value);
            }
        }

        var parsed = last.Parsed;
        var lifetime = CacheStrategy.FreshnessLifetime(parsed, last.ResponseTime, heuristic);
        var age = CacheStrategy.CurrentAge(parsed, last.RequestTime, last.ResponseTime, now);
        return new HttpCacheEntryInfo
        {
            Uri = uri,
            Method = method,
            StatusCode = last.StatusCode,
            StoredBytes = bytes,
            Age = age,
            FreshnessLeft = lifetime - age,
            ETag = parsed.ETag,
            LastModified = parsed.LastModified,
            VariantCount = variants.Count,
            Partitioned = partitioned,
            Groups = CacheTags.GroupsOf(variants),
        };
    }

    private async ValueTask<int> RemoveWhereAsync(Func<string, bool> matches, CancellationToken cancellationToken)
    {
        var inspection = Inspection("remove by URI");
        var doomed = new List<string>();
        await foreach (var key in inspection.GetKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            if (CacheKeyPolicy.TryParseKey(key, out var text, out _) && matches(text))
            {
                doomed.Add(key);
            }
        }

        foreach (var key in doomed)
        {
            await _cache.Store.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        }

        return doomed.Count;
    }

    private IHttpCacheStoreInspection Inspection(string what) =>
        _cache.Store as IHttpCacheStoreInspection
        ?? throw new NotSupportedException(
            $"The HTTP cache store of client '{ClientName}' ({_cache.Store.GetType().Name}) cannot {what}: it does not implement "
            + "IHttpCacheStoreInspection (an IDistributedCache cannot enumerate its keys). IHttpCache.RemoveAsync(uri) still removes "
            + "the entry of requests without sensitive headers; see IHttpCache.CanEnumerate.");
}
