using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StatusAwareHttp.Authentication.Internal;

/// <summary>The parts of a Digest challenge (RFC 7616 §3.3) that the response needs.</summary>
internal sealed record DigestChallenge(
    string Realm,
    string Nonce,
    string? Opaque,
    string Algorithm,
    bool Session,
    bool HasQop,
    bool Stale,
    bool UserHash)
{
    /// <summary>The algorithm's name as it goes back in the response (RFC 7616 §3.3, §6.1).</summary>
    public string AlgorithmName => Session ? Algorithm + "-sess" : Algorithm;
}

/// <summary>The Digest access authentication computations (RFC 7616 §3.3 - §3.4) as pure functions.</summary>
internal static class DigestScheme
{
    /// <summary>
    /// Reads a Digest challenge; <see langword="null"/> when it lacks realm or nonce, names an algorithm we do not
    /// implement, or offers only qop values other than <c>auth</c>.
    /// </summary>
    public static DigestChallenge? TryRead(AuthenticationChallenge challenge)
    {
        if (!challenge.IsScheme("Digest"))
        {
            return null;
        }

        var parameters = challenge.Parameters;

        // §3.3: realm and nonce are required.
        if (!parameters.TryGetValue("realm", out var realm) || !parameters.TryGetValue("nonce", out var nonce))
        {
            return null;
        }

        // §3.3: no algorithm means MD5; the names are compared case-insensitively.
        var name = parameters.TryGetValue("algorithm", out var given) ? given.Trim() : "MD5";
        var session = name.EndsWith("-sess", StringComparison.OrdinalIgnoreCase);
        var baseName = session ? name[..^5] : name;
        string algorithm;
        if (baseName.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = "MD5";
        }
        else if (baseName.Equals("SHA-256", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = "SHA-256";
        }
        else if (baseName.Equals("SHA-512-256", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = "SHA-512-256";
        }
        else
        {
            // An algorithm we cannot compute: the challenge is not for us.
            return null;
        }

        // §3.3: qop is a quoted list; we answer "auth" only (auth-int would need the whole body hashed).
        var hasQop = parameters.TryGetValue("qop", out var qop);
        if (hasQop && !qop!.Split(',').Any(q => q.Trim().Equals("auth", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var stale = parameters.TryGetValue("stale", out var staleText) && staleText.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
        var userHash = parameters.TryGetValue("userhash", out var userHashText) && userHashText.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
        parameters.TryGetValue("opaque", out var opaque);
        return new DigestChallenge(realm, nonce, opaque, algorithm, session, hasQop, stale, userHash);
    }

    /// <summary>Rank of an algorithm, strongest first; the server's order decides between challenges of equal rank.</summary>
    public static int Strength(DigestChallenge challenge) => challenge.Algorithm switch
    {
        "SHA-512-256" => 3,
        "SHA-256" => 2,
        _ => 1,
    };

    /// <summary>The lowercase hex digest of <paramref name="text"/> (UTF-8) with the challenge's algorithm (§3.2).</summary>
    public static string Hash(string algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var digest = algorithm switch
        {
            "SHA-256" => SHA256.HashData(bytes),
            "SHA-512-256" => Sha512_256.HashData(bytes),
#pragma warning disable CA5351 // RFC 7616 §3.2 keeps MD5 for interoperability; it is the server's choice, and the strongest offered wins.
            _ => MD5.HashData(bytes),
#pragma warning restore CA5351
        };
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>The <c>response</c> value (§3.4.1).</summary>
    public static string Response(DigestChallenge challenge, string user, string password, string method, string uri, string cnonce, string nc)
    {
        var h = challenge.Algorithm;

        // §3.4.2: A1 = user:realm:password; for -sess, H(user:realm:password):nonce:cnonce.
        var ha1 = Hash(h, $"{user}:{challenge.Realm}:{password}");
        if (challenge.Session)
        {
            ha1 = Hash(h, $"{ha1}:{challenge.Nonce}:{cnonce}");
        }

        // §3.4.3: A2 = method:request-uri for qop=auth.
        var ha2 = Hash(h, $"{method}:{uri}");

        // §3.4.1: with qop, KD(H(A1), nonce:nc:cnonce:qop:H(A2)); RFC 2069 servers send no qop: KD(H(A1), nonce:H(A2)).
        return challenge.HasQop
            ? Hash(h, $"{ha1}:{challenge.Nonce}:{nc}:{cnonce}:auth:{ha2}")
            : Hash(h, $"{ha1}:{challenge.Nonce}:{ha2}");
    }

    /// <summary>The credentials of the <c>Authorization: Digest ...</c> field (§3.4).</summary>
    public static string Parameters(DigestChallenge challenge, string user, string password, string method, string uri, string cnonce, int nonceCount)
    {
        var nc = nonceCount.ToString("x8", CultureInfo.InvariantCulture);
        var response = Response(challenge, user, password, method, uri, cnonce, nc);
        var text = new StringBuilder(256);

        if (challenge.UserHash)
        {
            // §3.4.4: the user name hashed with the realm hides it from observers.
            text.Append("username=").Append(Quote(Hash(challenge.Algorithm, $"{user}:{challenge.Realm}")));
        }
        else if (NeedsExtendedNotation(user))
        {
            // §3.4: a name that a quoted-string cannot carry goes as username* (RFC 8187).
            text.Append("username*=UTF-8''").Append(PercentEncode(user));
        }
        else
        {
            text.Append("username=").Append(Quote(user));
        }

        text.Append(", realm=").Append(Quote(challenge.Realm));
        text.Append(", uri=").Append(Quote(uri));
        text.Append(", algorithm=").Append(challenge.AlgorithmName);
        text.Append(", nonce=").Append(Quote(challenge.Nonce));
        if (challenge.HasQop)
        {
            text.Append(", nc=").Append(nc);
            text.Append(", cnonce=").Append(Quote(cnonce));
            text.Append(", qop=auth");
        }

        text.Append(", response=").Append(Quote(response));

        // §3.4: opaque goes back unchanged.
        if (challenge.Opaque is not null)
        {
            text.Append(", opaque=").Append(Quote(challenge.Opaque));
        }

        if (challenge.UserHash)
        {
            text.Append(", userhash=true");
        }

        return text.ToString();
    }

    /// <summary>A new client nonce: 128 random bits, hex.</summary>
    public static string NewClientNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static bool NeedsExtendedNotation(string user)
    {
        foreach (var c in user)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return true;
            }
        }

        return false;
    }

    private static string PercentEncode(string value)
    {
        // RFC 8187 §3.2.1: attr-char stays, every other byte of the UTF-8 form is %XX.
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '!' or '#' or '$' or '&' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~')
            {
                text.Append(c);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    internal static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
