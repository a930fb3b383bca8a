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

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!ErrorClassifier.IsError(response.StatusCode))
        {
            return response;
        }

        throw await ErrorResponseReader.CreateExceptionAsync(response, _context, cancellationToken).ConfigureAwait(false);
    }
}
