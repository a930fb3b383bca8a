using System.Net.Http.Headers;

namespace StatusAwareHttp.Authentication.Internal;

/// <summary>Asks the user's <see cref="IHttpAuthenticator"/>.</summary>
internal sealed class CustomResponder : IChallengeResponder
{
    private readonly IHttpAuthenticator _authenticator;

    public CustomResponder(IHttpAuthenticator authenticator)
    {
        _authenticator = authenticator;
    }

    public ValueTask<AuthenticationHeaderValue?> PreemptAsync(HttpRequestMessage request, AuthenticationState state, CancellationToken cancellationToken) =>
        ValueTask.FromResult<AuthenticationHeaderValue?>(null);

    public async ValueTask<ChallengeAnswer> AnswerAsync(HttpRequestMessage request, HttpResponseMessage response, IReadOnlyList<AuthenticationChallenge> challenges, AuthenticationState state, CancellationToken cancellationToken)
    {
        var context = new AuthenticationContext(request, response, challenges, state.Responses + 1);
        var header = await _authenticator.AuthenticateAsync(context, cancellationToken).ConfigureAwait(false);
        return header is null ? ChallengeAnswer.Refuse("custom", "declined") : new ChallengeAnswer(header, "custom", null);
    }

    public void Completed(HttpRequestMessage request, AuthenticationState state, bool accepted)
    {
    }
}
