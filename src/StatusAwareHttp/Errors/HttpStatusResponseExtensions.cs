using StatusAwareHttp.Errors.Internal;

namespace StatusAwareHttp;

/// <summary>Turns a response that is not a success into an <see cref="HttpStatusException"/> carrying what the server said.</summary>
public static class HttpStatusResponseExtensions
{
    /// <summary>
    /// Returns <paramref name="response"/> when its status is a success (2xx); otherwise reads at most a bounded excerpt of
    /// its body (never the whole of a large body), disposes it, and throws <see cref="HttpStatusException"/>.
    /// A 3xx that reached the caller (a redirect that was not followed, a 304) is not a success either.
    /// The excerpt bound is the client's <c>Errors.MaxBodyExcerptBytes</c> (default 4 KiB) when the response came
    /// through a client with status handling.
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="cancellationToken">Cancels reading the body excerpt.</param>
    /// <returns>The same response, for a success status.</returns>
    /// <exception cref="HttpStatusException">The status is not a success.</exception>
    public static ValueTask<HttpResponseMessage> EnsureStatusAsync(this HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return ValueTask.FromResult(response);
        }

        return ThrowAsync(response, cancellationToken);
    }

    private static async ValueTask<HttpResponseMessage> ThrowAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var context = ErrorContext.From(response);
        throw await ErrorResponseReader.CreateExceptionAsync(response, context, async: true, cancellationToken).ConfigureAwait(false);
    }
}
