using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Errors.Internal;

/// <summary>
/// Outermost handler (only with <c>Errors.ThrowOnErrorStatus</c>): throws <see cref="HttpStatusException"/> for a 4xx or
/// 5xx that every other handler (redirects, authentication, the cache, retries) is done with, before
/// <see cref="HttpClient"/> buffers the body, so a large error body is read only up to the excerpt.
/// </summary>
internal sealed class ThrowOnErrorHandler : DelegatingHandler
{
    private readonly ErrorContext _context;

    public ThrowOnErrorHandler(ErrorContext context)
    {
        _context = context;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendCoreAsync(request, async: true, cancellationToken);

    /// <summary><see cref="HttpClient.Send(HttpRequestMessage)"/>: the same exception, its excerpt read synchronously.</summary>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SyncPath.Result(SendCoreAsync(request, async: false, cancellationToken));

    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, bool async, CancellationToken cancellationToken)
    {
        var response = async
            ? await base.SendAsync(request, cancellationToken).ConfigureAwait(false)
            : base.Send(request, cancellationToken);
        if (!ErrorClassifier.IsError(response.StatusCode))
        {
            return response;
        }

        throw await ErrorResponseReader.CreateExceptionAsync(response, _context, async, cancellationToken).ConfigureAwait(false);
    }
}
