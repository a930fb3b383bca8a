using System.Net.Http.Headers;

namespace StatusAwareHttp;

/// <summary>What an <see cref="IHttpAuthenticator"/> is asked about: a 401 to a request.</summary>
public sealed class AuthenticationContext
{
    internal AuthenticationContext(HttpRequestMessage request, HttpResponseMessage response, IReadOnlyList<AuthenticationChallenge> challenges, int attempt)
    {
        Method = request.Method;
        RequestUri = request.RequestUri!;
        Response = response;
        Challenges = challenges;
        PreviousAuthorization = request.Headers.Authorization;
        Attempt = attempt;
    }

    /// <summary>Gets the method of the request.</summary>
    public HttpMethod Method { get; }

    /// <summary>Gets the URI that answered 401.</summary>
    public Uri RequestUri { get; }

    /// <summary>Gets the 401 response (owned by the library: read it, do not dispose it).</summary>
    public HttpResponseMessage Response { get; }

    /// <summary>Gets the challenges of its <c>WWW-Authenticate</c> fields, in order (RFC 9110 §11.6.1).</summary>
    public IReadOnlyList<AuthenticationChallenge> Challenges { get; }

    /// <summary>Gets the <c>Authorization</c> the refused request carried, or <see langword="null"/>.</summary>
    public AuthenticationHeaderValue? PreviousAuthorization { get; }

    /// <summary>Gets which answer this would be for the request: 1 for the first 401, 2 when an answer was already refused.</summary>
    public int Attempt { get; }
}
