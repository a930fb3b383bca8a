using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace StatusAwareHttp.Testing.Internal;

/// <summary>What a Digest check found.</summary>
internal enum DigestVerdict
{
    /// <summary>The Authorization is a correct Digest response to a nonce this origin issued.</summary>
    Valid,

    /// <summary>No Authorization, another scheme, or a wrong response: a fresh challenge.</summary>
    Challenge,

    /// <summary>A correct response to a nonce this origin did not issue (or no longer knows): a challenge with stale=true.</summary>
    Stale,
}

/// <summary>
/// The origin side of Digest access authentication (RFC 7616 §3.3 - §3.4, qop=auth): issues challenges with a fresh
/// nonce and verifies the client's response against the user's password.
/// </summary>
internal sealed class DigestGuard
{
    private readonly ConcurrentDictionary<string, byte> _nonces = new(StringComparer.Ordinal);
    private readonly string _algorithm;
    private readonly bool _session;

    public DigestGuard(string userName, string password, string realm, string algorithm)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentException.ThrowIfNullOrEmpty(realm);
        ArgumentException.ThrowIfNullOrEmpty(algorithm);
        _session = algorithm.EndsWith("-sess", StringComparison.OrdinalIgnoreCase);
        var baseName = _session ? algorithm[..^5] : algorithm;
        _algorithm = baseName.ToUpperInvariant() switch
        {
            "SHA-256" => "SHA-256",
            "MD5" => "MD5",
            _ => throw new ArgumentException($"The test origin verifies Digest with SHA-256 or MD5 (optionally -sess), not '{algorithm}'.", nameof(algorithm)),
        };
        UserName = userName;
        Password = password;
        Realm = realm;
        Opaque = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    }

    public string UserName { get; }

    public string Password { get; }

    public string Realm { get; }

    public string Opaque { get; }

    private string AlgorithmName => _session ? _algorithm + "-sess" : _algorithm;

    /// <summary>A WWW-Authenticate challenge with a new nonce (§3.3).</summary>
    public string Challenge(bool stale)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _nonces[nonce] = 0;
        var staleText = stale ? ", stale=true" : string.Empty;
        return $"Digest realm=\"{Realm}\", qop=\"auth\", algorithm={AlgorithmName}, nonce=\"{nonce}\", opaque=\"{Opaque}\"{staleText}";
    }

    /// <summary>Checks a request's Authorization field (§3.4).</summary>
    public DigestVerdict Verify(string method, string target, string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Digest ", StringComparison.OrdinalIgnoreCase))
        {
            return DigestVerdict.Challenge;
        }

        var p = AuthParameters.Parse(authorization.AsSpan(7));
        if (!p.TryGetValue("username", out var user) || !p.TryGetValue("realm", out var realm) || !p.TryGetValue("nonce", out var nonce)
            || !p.TryGetValue("uri", out var uri) || !p.TryGetValue("response", out var response)
            || !p.TryGetValue("qop", out var qop) || !p.TryGetValue("nc", out var nc) || !p.TryGetValue("cnonce", out var cnonce))
        {
            return DigestVerdict.Challenge;
        }

        var algorithm = p.TryGetValue("algorithm", out var named) ? named : "MD5";
        if (!string.Equals(algorithm, AlgorithmName, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(qop, "auth", StringComparison.OrdinalIgnoreCase)
            || realm != Realm
            || (p.TryGetValue("opaque", out var opaque) && opaque != Opaque)
            || uri != target)
        {
            return DigestVerdict.Challenge;
        }

        // §3.4.4: with userhash=true the username is H(user:realm).
        var expectedUser = p.TryGetValue("userhash", out var userHash) && string.Equals(userHash, "true", StringComparison.OrdinalIgnoreCase)
            ? Hash($"{UserName}:{Realm}")
            : UserName;
        if (user != expectedUser)
        {
            return DigestVerdict.Challenge;
        }

        // §3.4.1 - §3.4.3: response = H(H(A1):nonce:nc:cnonce:qop:H(A2)).
        var ha1 = Hash($"{UserName}:{Realm}:{Password}");
        if (_session)
        {
            ha1 = Hash($"{ha1}:{nonce}:{cnonce}");
        }

        var ha2 = Hash($"{method}:{uri}");
        var expected = Hash($"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(response.ToLowerInvariant())))
        {
            return DigestVerdict.Challenge;
        }

        return _nonces.ContainsKey(nonce) ? DigestVerdict.Valid : DigestVerdict.Stale;
    }

    /// <summary>Forgets the issued nonces: the next correct response gets a stale=true challenge.</summary>
    public void ExpireNonces() => _nonces.Clear();

    private string Hash(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
#pragma warning disable CA5351 // RFC 7616 names MD5; the test origin verifies what clients send.
        var digest = _algorithm == "MD5" ? MD5.HashData(bytes) : SHA256.HashData(bytes);
#pragma warning restore CA5351
        return Convert.ToHexStringLower(digest);
    }
}
