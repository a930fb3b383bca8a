using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Authentication.Internal;
using StatusAwareHttp.Errors.Internal;

namespace StatusAwareHttp.Tests.Authentication;

/// <summary>
/// A Digest server scripted on the loopback Kestrel: it challenges with one algorithm and checks the client's response
/// itself (its own A1/A2/KD, RFC 7616 §3.4.1), optionally calling the first good nonce stale.
/// </summary>
internal sealed class ScriptedDigestServer
{
    public const string Realm = "scripted@example.org";

    private readonly string _algorithm;
    private readonly string _user;
    private readonly string _password;
    private readonly bool _staleFirstNonce;
    private readonly ConcurrentQueue<string> _nonces = new();
    private int _nonceCounter;

    public ScriptedDigestServer(string algorithm, string user, string password, bool staleFirstNonce = false)
    {
        _algorithm = algorithm;
        _user = user;
        _password = password;
        _staleFirstNonce = staleFirstNonce;
    }

    public List<IReadOnlyDictionary<string, string>> Answers { get; } = [];

    public void Map(WebApplication app, string path) => app.MapGet(path, (HttpContext context) => Handle(context));

    private IResult Handle(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return Challenge(context, stale: false);
        }

        var fields = ChallengeParser.Parse(header).Single().Parameters;
        lock (Answers)
        {
            Answers.Add(fields);
        }

        if (!fields.TryGetValue("response", out var response) || fields["realm"] != Realm || fields["username"] != _user)
        {
            return Challenge(context, stale: false);
        }

        var nonce = fields["nonce"];
        var target = context.Request.Path + context.Request.QueryString;
        var expected = Expected(fields, nonce, context.Request.Method, target.ToString());
        if (fields["uri"] != target || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(response)))
        {
            return Challenge(context, stale: false);
        }

        // The right password with the first nonce: say the nonce is stale, as a server that expired it would (§3.3).
        if (_staleFirstNonce && nonce == "nonce-1")
        {
            return Challenge(context, stale: true);
        }

        return Results.Text("digest ok");
    }

    private string Expected(IReadOnlyDictionary<string, string> fields, string nonce, string method, string uri)
    {
        var sess = _algorithm.EndsWith("-sess", StringComparison.Ordinal);
        var baseAlgorithm = sess ? _algorithm[..^5] : _algorithm;
        var ha1 = H(baseAlgorithm, $"{_user}:{Realm}:{_password}");
        if (sess)
        {
            ha1 = H(baseAlgorithm, $"{ha1}:{nonce}:{fields["cnonce"]}");
        }

        var ha2 = H(baseAlgorithm, $"{method}:{uri}");
        return H(baseAlgorithm, $"{ha1}:{nonce}:{fields["nc"]}:{fields["cnonce"]}:{fields["qop"]}:{ha2}");
    }

    private static string H(string algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return Convert.ToHexStringLower(algorithm switch
        {
#pragma warning disable CA5351 // Digest's MD5, as servers still use it
            "MD5" => MD5.HashData(bytes),
#pragma warning restore CA5351
            "SHA-256" => SHA256.HashData(bytes),

            // Checked against FIPS 180-4 values in DigestSchemeTests.
            "SHA-512-256" => Sha512_256.HashData(bytes),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        });
    }

    private IResult Challenge(HttpContext context, bool stale)
    {
        var nonce = "nonce-" + Interlocked.Increment(ref _nonceCounter);
        _nonces.Enqueue(nonce);
        context.Response.Headers.WWWAuthenticate =
            $"Digest realm=\"{Realm}\", qop=\"auth\", algorithm={_algorithm}, nonce=\"{nonce}\", opaque=\"opaque-value\"{(stale ? ", stale=true" : string.Empty)}";
        return Results.StatusCode(401);
    }
}
