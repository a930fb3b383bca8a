using System.ComponentModel.DataAnnotations;
using System.Net;

namespace StatusAwareHttp;

/// <summary>
/// Options of the answers to 401 challenges. Set one of <see cref="Credentials"/> (Basic and Digest),
/// <see cref="BearerTokenProvider"/> or <see cref="Authenticator"/>; with none set, 401 is handed back as it came.
/// Credentials and tokens go only to the origin (scheme, host, port) of the request as the caller sent it, never to
/// an origin a redirect led to.
/// </summary>
public sealed class AuthenticationOptions
{
    /// <summary>Gets or sets a value indicating whether 401 challenges are answered. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the user name and password that answer <c>Digest</c> (RFC 7616: SHA-512-256, SHA-256, MD5 and their
    /// <c>-sess</c> forms, qop=auth) and <c>Basic</c> (RFC 7617) challenges; Digest is preferred when both are offered.
    /// Default: <see langword="null"/>.
    /// </summary>
    public NetworkCredential? Credentials { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether Basic credentials (the password in clear) may be sent over plain http to a
    /// host that is not the loopback. Default: <see langword="false"/>: such a challenge is not answered and a warning logged.
    /// </summary>
    public bool AllowBasicOverHttp { get; set; }

    /// <summary>
    /// Gets or sets the source of bearer tokens (RFC 6750). Its token is sent with each request; when the server answers
    /// 401, the token is refreshed once for every request that was refused with it (single flight), and each such request
    /// is sent once more with the new token. Default: <see langword="null"/>.
    /// </summary>
    public IBearerTokenProvider? BearerTokenProvider { get; set; }

    /// <summary>
    /// Gets or sets an authenticator for any other scheme: asked with each 401, it returns the <c>Authorization</c> to
    /// send the request again with, or <see langword="null"/> to hand the 401 back. Default: <see langword="null"/>.
    /// </summary>
    public IHttpAuthenticator? Authenticator { get; set; }

    /// <summary>
    /// Gets or sets the most times one request is sent again to answer a 401 (a Digest <c>stale=true</c> needs two).
    /// The same <c>Authorization</c> is never sent twice for one request, whatever this says. Default: 3. Range: 1 to 10.
    /// </summary>
    [Range(1, 10)]
    public int MaxChallengeResponses { get; set; } = 3;
}
