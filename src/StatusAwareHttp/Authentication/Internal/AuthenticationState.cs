using System.Net.Http.Headers;

namespace StatusAwareHttp.Authentication.Internal;

/// <summary>What the authentication handler remembers about one request message across its redirect hops.</summary>
internal sealed class AuthenticationState
{
    public static readonly HttpRequestOptionsKey<AuthenticationState> Key = new("StatusAwareHttp.Authentication");

    public AuthenticationState(string origin, bool callerManaged)
    {
        Origin = origin;
        CallerManaged = callerManaged;
    }

    /// <summary>The origin of the request as the caller sent it: the only one that gets credentials.</summary>
    public string Origin { get; }

    /// <summary>The caller set <c>Authorization</c> itself: the handler leaves the request alone.</summary>
    public bool CallerManaged { get; }

    /// <summary>How many times the request was sent again to answer a 401.</summary>
    public int Responses { get; set; }

    /// <summary>Every <c>Authorization</c> value the handler sent with this request (never the same one twice).</summary>
    public HashSet<string> Sent { get; } = new(StringComparer.Ordinal);

    /// <summary>The credentials answered a Digest challenge (not preemptively) in this request.</summary>
    public bool DigestAnswered { get; set; }

    /// <summary>The credentials answered a Basic challenge (not preemptively) in this request.</summary>
    public bool BasicAnswered { get; set; }

    /// <summary>The bearer token sent with the request, if any.</summary>
    public string? BearerToken { get; set; }

    /// <summary>The bearer token was refreshed for this request already (each request is re-sent once).</summary>
    public bool BearerRefreshed { get; set; }

    /// <summary>A protection space to remember once the answer is accepted.</summary>
    public object? Pending { get; set; }

    /// <summary>The handler put an <c>Authorization</c> on the request.</summary>
    public AuthenticationHeaderValue? Added { get; set; }

    public static string OriginOf(Uri uri) =>
        string.Concat(uri.Scheme.ToLowerInvariant(), "://", uri.IdnHost.ToLowerInvariant(), ":", uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>The answer of a responder to a 401: credentials, or why there are none.</summary>
internal readonly record struct ChallengeAnswer(AuthenticationHeaderValue? Header, string Scheme, string? Refusal)
{
    public static ChallengeAnswer Refuse(string scheme, string refusal) => new(null, scheme, refusal);
}

/// <summary>One way of answering 401s: the built-in credentials (Basic, Digest), bearer tokens, or the user's authenticator.</summary>
internal interface IChallengeResponder
{
    /// <summary>The credentials to send before any challenge (a bearer token, a remembered protection space), or <see langword="null"/>.</summary>
    ValueTask<AuthenticationHeaderValue?> PreemptAsync(HttpRequestMessage request, AuthenticationState state, CancellationToken cancellationToken);

    /// <summary>The answer to a 401.</summary>
    ValueTask<ChallengeAnswer> AnswerAsync(HttpRequestMessage request, HttpResponseMessage response, IReadOnlyList<AuthenticationChallenge> challenges, AuthenticationState state, CancellationToken cancellationToken);

    /// <summary>Told how the request ended after the handler sent credentials: <paramref name="accepted"/> unless the last answer was a 401.</summary>
    void Completed(HttpRequestMessage request, AuthenticationState state, bool accepted);
}
