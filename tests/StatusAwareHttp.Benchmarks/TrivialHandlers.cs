using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;

namespace StatusAwareHttp.Benchmarks;

/// <summary>
/// The ceiling of a fresh hit: a dictionary of body bytes by URI, served as a new 200 without any HTTP semantics
/// (no freshness, no Vary, no Age). What is fetched and not marked no-store is stored.
/// </summary>
public sealed class TrivialCacheHandler(ConcurrentDictionary<string, byte[]> store) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = request.RequestUri!.OriginalString;
        if (request.Method == HttpMethod.Get && store.TryGetValue(key, out var body))
        {
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body), RequestMessage = request };
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (request.Method == HttpMethod.Get && response.StatusCode == HttpStatusCode.OK && response.Headers.CacheControl is not { NoStore: true })
        {
            store[key] = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var served = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(store[key]), RequestMessage = request };
            response.Dispose();
            return served;
        }

        return response;
    }
}

/// <summary>
/// The ceiling of a 304 revalidation: remembers the ETag and body of each URI, sends If-None-Match, and turns a 304
/// into a new 200 of the stored body (nothing else of HTTP caching).
/// </summary>
public sealed class TrivialRevalidatingHandler(ConcurrentDictionary<string, (string ETag, byte[] Body)> store) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = request.RequestUri!.OriginalString;
        var known = store.TryGetValue(key, out var stored);
        if (known)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", stored.ETag);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (known && response.StatusCode == HttpStatusCode.NotModified)
        {
            response.Dispose();
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(stored.Body), RequestMessage = request };
        }

        if (response.StatusCode == HttpStatusCode.OK && response.Headers.ETag is { } etag)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            store[key] = (etag.ToString(), body);
            var served = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body), RequestMessage = request };
            response.Dispose();
            return served;
        }

        return response;
    }
}
