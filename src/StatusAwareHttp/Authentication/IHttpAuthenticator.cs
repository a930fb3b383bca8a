using System.Net.Http.Headers;

namespace StatusAwareHttp;

/// <summary>
/// Answers 401 challenges for a scheme the library does not build in (set it as
/// <see cref="AuthenticationOptions.Authenticator"/>). Asked once per 401; returning <see langword="null"/> hands the 401
/// back to the caller. The library never sends the same answer twice for one request, and never to another origin.
/// </summary>
public interface IHttpAuthenticator
{
    /// <summary>Returns the <c>Authorization</c> to send the request again with, or <see langword="null"/> to give up.</summary>
    /// <param name="context">The 401, its parsed challenges and what was sent before.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    /// <returns>The credentials, or <see langword="null"/>.</returns>
    ValueTask<AuthenticationHeaderValue?> AuthenticateAsync(AuthenticationContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Supplies bearer tokens (set it as <see cref="AuthenticationOptions.BearerTokenProvider"/>). The library calls
/// <see cref="GetTokenAsync"/> for each request, and <see cref="RefreshTokenAsync"/> once per refused token, however many
/// requests were refused with it at the same time.
/// </summary>
public interface IBearerTokenProvider
{
    /// <summary>Returns the current token (cached by the provider), or <see langword="null"/> to send none.</summary>
    /// <param name="cancellationToken">The request's cancellation.</param>
    /// <returns>The token, without the <c>Bearer</c> prefix.</returns>
    ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Gets a new token because the server answered 401 to <paramref name="rejectedToken"/>; later calls to
    /// <see cref="GetTokenAsync"/> should return it. Returning <see langword="null"/> hands the 401s back.
    /// Runs once for all the requests waiting on it, so it is not cancelled by any one of them.
    /// </summary>
    /// <param name="rejectedToken">The token the server refused, or <see langword="null"/> when none was sent.</param>
    /// <param name="cancellationToken">Not cancelled by a single request (the refresh is shared).</param>
    /// <returns>The new token, or <see langword="null"/>.</returns>
    ValueTask<string?> RefreshTokenAsync(string? rejectedToken, CancellationToken cancellationToken);
}
