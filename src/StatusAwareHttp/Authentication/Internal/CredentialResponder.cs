using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace StatusAwareHttp.Authentication.Internal;

/// <summary>
/// Answers Digest (RFC 7616) and Basic (RFC 7617) challenges with one <see cref="NetworkCredential"/>, and remembers the
/// accepted protection space of each origin to send credentials before the next challenge (Digest with the next nonce
/// count, Basic under the same path).
/// </summary>
internal sealed class CredentialResponder : IChallengeResponder
{
    private readonly NetworkCredential _credentials;
    private readonly bool _allowBasicOverHttp;
    private readonly ConcurrentDictionary<string, object> _spaces = new(StringComparer.Ordinal);

    public CredentialResponder(NetworkCredential credentials, bool allowBasicOverHttp)
    {
        _credentials = credentials;
        _allowBasicOverHttp = allowBasicOverHttp;
    }

    public ValueTask<AuthenticationHeaderValue?> PreemptAsync(HttpRequestMessage request, AuthenticationState state, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        AuthenticationHeaderValue? header = null;
        switch (_spaces.TryGetValue(state.Origin, out var space) ? space : null)
        {
            case DigestSession session:
                // RFC 7616 §3.4: the same nonce with the next nonce count, until the server calls it stale.
                var nc = session.NextCount();
                header = new AuthenticationHeaderValue("Digest", DigestScheme.Parameters(session.Challenge, _credentials.UserName, _credentials.Password, request.Method.Method, RequestTarget(uri), session.ClientNonce, nc));
                break;
            case BasicSpace basic when uri.AbsolutePath.StartsWith(basic.PathPrefix, StringComparison.Ordinal):
                // RFC 7617 §2.2: paths at or below the challenged one are likely in the same protection space.
                header = basic.Header;
                break;
        }

        return ValueTask.FromResult(header);
    }

    public ValueTask<ChallengeAnswer> AnswerAsync(HttpRequestMessage request, HttpResponseMessage response, IReadOnlyList<AuthenticationChallenge> challenges, AuthenticationState state, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Answer(request, challenges, state));

    public void Completed(HttpRequestMessage request, AuthenticationState state, bool accepted)
    {
        if (accepted && state.Pending is not null)
        {
            _spaces[state.Origin] = state.Pending;
        }
        else if (!accepted)
        {
            // The server refused what we sent: forget the space, so the next request starts from a challenge.
            _spaces.TryRemove(state.Origin, out _);
        }

        state.Pending = null;
    }

    private ChallengeAnswer Answer(HttpRequestMessage request, IReadOnlyList<AuthenticationChallenge> challenges, AuthenticationState state)
    {
        var uri = request.RequestUri!;

        // RFC 9110 §11.6.1: the client picks the strongest scheme it understands: Digest, and among Digest challenges the
        // strongest algorithm, the server's order breaking ties (RFC 7616 §3.7).
        DigestChallenge? digest = null;
        AuthenticationChallenge? basic = null;
        foreach (var challenge in challenges)
        {
            if (DigestScheme.TryRead(challenge) is { } candidate)
            {
                if (digest is null || DigestScheme.Strength(candidate) > DigestScheme.Strength(digest))
                {
                    digest = candidate;
                }
            }
            else if (basic is null && challenge.IsScheme("Basic"))
            {
                basic = challenge;
            }
        }

        if (digest is not null)
        {
            // A wrong password is answered once; stale=true (§3.3) only says the nonce expired, so the same credentials
            // go again with the new nonce.
            if (state.DigestAnswered && !digest.Stale)
            {
                return ChallengeAnswer.Refuse("digest", "credentials_refused");
            }

            var cnonce = DigestScheme.NewClientNonce();
            var session = new DigestSession(digest, cnonce);
            var nc = session.NextCount();
            state.DigestAnswered = true;
            state.Pending = session;
            return new ChallengeAnswer(
                new AuthenticationHeaderValue("Digest", DigestScheme.Parameters(digest, _credentials.UserName, _credentials.Password, request.Method.Method, RequestTarget(uri), cnonce, nc)),
                "digest",
                null);
        }

        if (basic is not null)
        {
            if (state.BasicAnswered)
            {
                return ChallengeAnswer.Refuse("basic", "credentials_refused");
            }

            // Basic sends the password in clear (RFC 7617 §4): not over plain http beyond this machine, unless allowed.
            if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback && !_allowBasicOverHttp)
            {
                return ChallengeAnswer.Refuse("basic", "basic_over_http");
            }

            // RFC 7617 §2: a user-id containing a colon cannot be told apart from the password.
            if (_credentials.UserName.Contains(':', StringComparison.Ordinal))
            {
                return ChallengeAnswer.Refuse("basic", "invalid_user_id");
            }

            // RFC 7617 §2.1: UTF-8 (the only charset a server may ask for, and what we send when it does not ask).
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(_credentials.UserName + ":" + _credentials.Password));
            var header = new AuthenticationHeaderValue("Basic", token);
            state.BasicAnswered = true;
            state.Pending = new BasicSpace(DirectoryOf(uri.AbsolutePath), header);
            return new ChallengeAnswer(header, "basic", null);
        }

        return ChallengeAnswer.Refuse("credentials", "no_supported_challenge");
    }

    /// <summary>The request-target of origin-form (RFC 9112 §3.2.1), which Digest's <c>uri</c> repeats (RFC 7616 §3.4).</summary>
    private static string RequestTarget(Uri uri) => uri.PathAndQuery;

    private static string DirectoryOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "/" : path[..(slash + 1)];
    }

    private sealed class DigestSession(DigestChallenge challenge, string clientNonce)
    {
        private int _count;

        public DigestChallenge Challenge { get; } = challenge;

        public string ClientNonce { get; } = clientNonce;

        public int NextCount() => Interlocked.Increment(ref _count);
    }

    private sealed record BasicSpace(string PathPrefix, AuthenticationHeaderValue Header);
}
