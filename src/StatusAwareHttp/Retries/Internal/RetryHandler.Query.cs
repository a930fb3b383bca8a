using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Retries.Internal;

/// <summary>Queries (RFC 10008): their content read once so that a retry sends it again whole.</summary>
internal sealed partial class RetryHandler
{
    /// <summary>
    /// RFC 10008 §2: a query is idempotent, retried with its content sent again whole. A one-shot stream is read once for
    /// that, within <c>Cache.MaxQueryContentBytes</c>; beyond it, or of unknown length, it is sent as it is and not retried.
    /// </summary>
    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, bool async, CancellationToken cancellationToken) =>
        QueryRequests.IsQuery(request) && !RequestBody.CanResend(request.Content)
            ? SendQueryAsync(request, async, cancellationToken)
            : SendCoreBufferedAsync(request, async, cancellationToken);

    private async Task<HttpResponseMessage> SendQueryAsync(HttpRequestMessage request, bool async, CancellationToken cancellationToken)
    {
        var content = await QueryContent.ReadAsync(request, _maxQueryContentBytes, async, cancellationToken).ConfigureAwait(false);
        try
        {
            return await SendCoreBufferedAsync(request, async, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The caller's request is left with its own content object.
            content.Restore(request);
        }
    }
}
