using System.Net.Http.Headers;

namespace StatusAwareHttp.Authentication.Internal;

/// <summary>Sends the provider's bearer token (RFC 6750 §2.1) and, on 401, refreshes it through the single flight.</summary>
internal sealed class BearerResponder : IChallengeResponder
{
    private readonly IBearerTokenProvider _provider;
    private readonly BearerRefreshCoordinator _coordinator;

    public BearerResponder(IBearerTokenProvider provider, BearerRefreshCoordinator coordinator)
    {
        _provider = provider;
        _coordinator = coordinator;
    }

    public async ValueTask<AuthenticationHeaderValue?> PreemptAsync(HttpRequestMessage request, AuthenticationState state, CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        state.BearerToken = token;
        return new AuthenticationHeaderValue("Bearer", token);
    }

    public async ValueTask<ChallengeAnswer> AnswerAsync(HttpRequestMessage request, HttpResponseMessage response, IReadOnlyList<AuthenticationChallenge> challenges, AuthenticationState state, CancellationToken cancellationToken)
    {
        // Each request is sent again once: a fresh token that is refused too ends in the 401.
        if (state.BearerRefreshed)
        {
            return ChallengeAnswer.Refuse("bearer", "credentials_refused");
        }

        // RFC 6750 §3: a server that wants a token challenges with Bearer; one that asks only for another scheme gets none.
        if (challenges.Count > 0 && !challenges.Any(c => c.IsScheme("Bearer")))
        {
            return ChallengeAnswer.Refuse("bearer", "no_supported_challenge");
        }

        state.BearerRefreshed = true;
        var token = await _coordinator.RefreshAsync(_provider, state.BearerToken, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(token))
        {
            return ChallengeAnswer.Refuse("bearer", "no_token");
        }

        state.BearerToken = token;
        return new ChallengeAnswer(new AuthenticationHeaderValue("Bearer", token), "bearer", null);
    }

    public void Completed(HttpRequestMessage request, AuthenticationState state, bool accepted)
    {
    }
}
