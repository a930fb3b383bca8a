using System.Net.Http.Headers;
using System.Runtime.CompilerServices;

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

/// <summary>
/// Refreshes each provider's token once for all the requests refused with the same token (single flight): a request
/// that arrives while a refresh of its token runs waits for it; one that arrives after it finished uses its result.
/// </summary>
internal sealed class BearerRefreshCoordinator
{
    private readonly ConditionalWeakTable<IBearerTokenProvider, Flight> _flights = [];
    private readonly AuthenticationMetrics _metrics;

    public BearerRefreshCoordinator(AuthenticationMetrics metrics)
    {
        _metrics = metrics;
    }

    public Task<string?> RefreshAsync(IBearerTokenProvider provider, string? rejectedToken, CancellationToken cancellationToken)
    {
        var flight = _flights.GetValue(provider, static _ => new Flight());
        Task<string?> task;
        lock (flight)
        {
            var reusable = flight.Task is { } running
                && string.Equals(flight.RejectedToken, rejectedToken, StringComparison.Ordinal)
                && (!running.IsCompleted || running.IsCompletedSuccessfully);
            if (!reusable)
            {
                flight.RejectedToken = rejectedToken;
                flight.Task = RunAsync(provider, rejectedToken);
            }

            task = flight.Task!;
        }

        // Each waiter may give up on its own; the shared refresh goes on for the others.
        return task.WaitAsync(cancellationToken);
    }

    private async Task<string?> RunAsync(IBearerTokenProvider provider, string? rejectedToken)
    {
        // Yield first, so the lock is never held while the provider runs.
        await Task.Yield();
        _metrics.TokenRefreshed();
        return await provider.RefreshTokenAsync(rejectedToken, CancellationToken.None).ConfigureAwait(false);
    }

    private sealed class Flight
    {
        public string? RejectedToken { get; set; }

        public Task<string?>? Task { get; set; }
    }
}

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
