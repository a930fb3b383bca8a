using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// A query (RFC 10008: a QUERY, or a POST the application marked as one): looked up, served, revalidated and stored as a
/// GET is, under a key that incorporates its content (§2.7, <see cref="QueryKey"/>). The content is read once, within
/// <see cref="CacheOptions.MaxQueryContentBytes"/>, and sent as read, so a retry or a revalidation sends it whole (§2);
/// content that cannot be read so is sent unchanged and its response is not stored.
/// </summary>
internal sealed partial class CachingHandler
{
    private async Task<HttpResponseMessage> SendQueryAsync(HttpRequestMessage request, Uri uri, bool async, CancellationToken cancellationToken)
    {
        var over = OverrideOf(request, uri);
        if (over.Mode == HttpCacheMode.NoStore)
        {
            return await BypassAsync(request, uri, async, cancellationToken).ConfigureAwait(false);
        }

        var read = await QueryContent.ReadAsync(request, _context.Options.MaxQueryContentBytes, async, cancellationToken).ConfigureAwait(false);
        try
        {
            var content = read.Content;
            var directives = CacheHeaders.ReadRequestDirectives(request.Headers);
            var digest = content is null ? null : QueryKey.Digest(
                content.Bytes,
                Joined(content.Headers.NonValidated, "Content-Type"),
                Joined(content.Headers.NonValidated, "Content-Encoding"),
                normalise: !directives.NoTransform);
            if (digest is null)
            {
                return await PassQueryAsync(request, uri, async, cancellationToken).ConfigureAwait(false);
            }

            var lookup = new CacheLookup(request, uri, directives, over);
            var key = _context.Keys.ForQuery(request.Method.Method, uri, digest, request.Headers);
            var variants = await _variants.ReadAsync(key, uri, cancellationToken).ConfigureAwait(false);
            return await OnLookup(lookup, key, variants, async, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The caller's request is left as it came: with its own content object.
            read.Restore(request);
        }
    }

    /// <summary>A query whose content is not keyed: sent as it is, never stored, never invalidating; offline, a 504.</summary>
    private async Task<HttpResponseMessage> PassQueryAsync(HttpRequestMessage request, Uri uri, bool async, CancellationToken cancellationToken)
    {
        if (RefuseOffline(request) is { } offline)
        {
            return offline;
        }

        if (_context.Logger.IsEnabled(LogLevel.Debug))
        {
            Log.QueryNotKeyed(_context.Logger, UriRedaction.Redact(uri), _context.Options.MaxQueryContentBytes);
        }

        var response = await SendInner(request, async, cancellationToken).ConfigureAwait(false);
        response.Headers.TryAddWithoutValidation(CacheStatus.FieldName, _context.Status.Forward(ForwardReason.Request, (int)response.StatusCode, detail: CacheStatus.QueryContentDetail));
        return response;
    }

    private static string? Joined(HttpHeadersNonValidated headers, string name) =>
        headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
