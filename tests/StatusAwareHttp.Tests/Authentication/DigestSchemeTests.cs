using System.Text;
using StatusAwareHttp.Authentication.Internal;
using StatusAwareHttp.Errors.Internal;

namespace StatusAwareHttp.Tests.Authentication;

/// <summary>
/// The Digest computations against values computed independently (Python's hashlib over OpenSSL) for the RFC 7616
/// §3.9.1 inputs: user Mufasa, password "Circle of Life", realm http-auth@example.org, GET /dir/index.html.
/// </summary>
public sealed class DigestSchemeTests
{
    private const string Nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private const string ClientNonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    [Theory]
    [InlineData("MD5", "8ca523f5e9506fed4657c9700eebdbec")] // RFC 7616 §3.9.1, the MD5 response printed in the RFC
    [InlineData("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")] // RFC 7616 §3.9.1, SHA-256
    [InlineData("SHA-512-256", "430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0")] // §3.2 SHA-512/256 (FIPS 180-4)
    [InlineData("MD5-sess", "e783283f46242139c486a698fec7211d")] // §3.4.2 A1 = H(user:realm:pass):nonce:cnonce
    [InlineData("SHA-256-sess", "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7")]
    [InlineData("SHA-512-256-sess", "3f2a34f923c38b0fb26dce2fdfc2ce326c23cecf86fbb1444f3e51fbbc2cb92e")]
    public void ComputesTheResponse(string algorithm, string expected)
    {
        var challenge = Read($"Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm={algorithm}, nonce=\"{Nonce}\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
        Assert.Equal(expected, DigestScheme.Response(challenge, "Mufasa", "Circle of Life", "GET", "/dir/index.html", ClientNonce, "00000001"));
    }

    [Fact]
    public void WithoutQopUsesTheRfc2069Form()
    {
        // §3.4.1 (and RFC 2069): no qop, no nc or cnonce: KD(H(A1), nonce:H(A2)).
        var challenge = Read($"Digest realm=\"http-auth@example.org\", nonce=\"{Nonce}\"");
        Assert.Equal("7b2cc3b30e75b4777ea31027084363fd", DigestScheme.Response(challenge, "Mufasa", "Circle of Life", "GET", "/dir/index.html", ClientNonce, "00000001"));
        var parameters = DigestScheme.Parameters(challenge, "Mufasa", "Circle of Life", "GET", "/dir/index.html", ClientNonce, 1);
        Assert.DoesNotContain("nc=", parameters, StringComparison.Ordinal);
        Assert.DoesNotContain("qop=", parameters, StringComparison.Ordinal);
    }

    [Fact]
    public void WritesTheAuthorizationParameters()
    {
        var challenge = Read($"Digest realm=\"http-auth@example.org\", qop=\"auth\", algorithm=SHA-256, nonce=\"{Nonce}\", opaque=\"op\"");
        var parameters = DigestScheme.Parameters(challenge, "Mufasa", "Circle of Life", "GET", "/dir/index.html", ClientNonce, 1);

        // Parsed back with the challenge parser: every field the server needs is there (§3.4).
        var fields = ChallengeParser.Parse("Digest " + parameters).Single().Parameters;
        Assert.Equal("Mufasa", fields["username"]);
        Assert.Equal("http-auth@example.org", fields["realm"]);
        Assert.Equal("/dir/index.html", fields["uri"]);
        Assert.Equal("SHA-256", fields["algorithm"]);
        Assert.Equal(Nonce, fields["nonce"]);
        Assert.Equal("00000001", fields["nc"]); // §3.4 eight hex digits
        Assert.Equal(ClientNonce, fields["cnonce"]);
        Assert.Equal("auth", fields["qop"]);
        Assert.Equal("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", fields["response"]);
        Assert.Equal("op", fields["opaque"]); // §3.4 opaque returned unchanged
    }

    [Fact]
    public void NonceCountsAreHex()
    {
        var challenge = Read($"Digest realm=\"r\", qop=\"auth\", nonce=\"{Nonce}\"");
        var fields = ChallengeParser.Parse("Digest " + DigestScheme.Parameters(challenge, "u", "p", "GET", "/", ClientNonce, 26)).Single().Parameters;
        Assert.Equal("0000001a", fields["nc"]);
    }

    [Fact]
    public void UserHashHidesTheUserName()
    {
        // RFC 7616 §3.9.2: userhash=true sends H(user:realm); the RFC prints this value for "Jäsøn Doe".
        var challenge = Read("Digest realm=\"api@example.org\", qop=\"auth\", algorithm=SHA-512-256, nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", userhash=true");
        var fields = ChallengeParser.Parse("Digest " + DigestScheme.Parameters(challenge, "J\u00e4s\u00f8n Doe", "Secret, or not?", "GET", "/doe.json", "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", 1)).Single().Parameters;
        Assert.Equal("793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b", fields["username"]);
        Assert.Equal("true", fields["userhash"]);
        Assert.Equal("3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5", fields["response"]);
    }

    [Fact]
    public void ANonAsciiUserNameGoesAsUsernameStar()
    {
        // §3.4: username* with RFC 8187 encoding when the name cannot be a quoted-string.
        var challenge = Read($"Digest realm=\"r\", qop=\"auth\", nonce=\"{Nonce}\", charset=UTF-8");
        var parameters = DigestScheme.Parameters(challenge, "J\u00e4s\u00f8n Doe", "p", "GET", "/", ClientNonce, 1);
        Assert.StartsWith("username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, ", parameters, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Digest realm=\"r\", nonce=\"n\"", "MD5", false)] // §3.3 no algorithm means MD5
    [InlineData("Digest realm=\"r\", nonce=\"n\", algorithm=sha-256", "SHA-256", false)] // names are case-insensitive
    [InlineData("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256-sess", "SHA-512-256", true)]
    [InlineData("Digest realm=\"r\", nonce=\"n\", stale=TRUE", "MD5", false)] // stale is case-insensitive
    public void ReadsChallenges(string field, string algorithm, bool session)
    {
        var challenge = Read(field);
        Assert.Equal(algorithm, challenge.Algorithm);
        Assert.Equal(session, challenge.Session);
    }

    [Theory]
    [InlineData("Digest nonce=\"n\"")] // §3.3 realm is required
    [InlineData("Digest realm=\"r\"")] // nonce is required
    [InlineData("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-1")] // an algorithm we do not implement
    [InlineData("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"")] // only auth-int, which needs the body hashed
    [InlineData("Basic realm=\"r\"")]
    public void IgnoresChallengesItCannotAnswer(string field) =>
        Assert.Null(DigestScheme.TryRead(ChallengeParser.Parse(field).Single()));

    [Fact]
    public void StaleIsRead() => Assert.True(Read("Digest realm=\"r\", nonce=\"n\", stale=true").Stale);

    [Theory]
    [InlineData("", "c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a")] // FIPS 180-4 SHA-512/256, empty
    [InlineData("abc", "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23")] // the NIST example
    public void Sha512_256MatchesKnownValues(string input, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Sha512_256.HashData(Encoding.ASCII.GetBytes(input))));

    [Theory]
    [InlineData(111, "0239e429f98d0ed61ee8e2a7c30afe98c1c3a80ce5dff62a107e9c538f7632ce")] // padding fits in one block
    [InlineData(112, "9216b5303edb66504570bee90e48ea5beaa5e9fe9f760bbd3e0460559fc005f6")] // padding needs a second block
    [InlineData(200, "19b1e37317d7fd3d7651f397005e31f154ef4912d1345743d2d5889aaca28996")] // more than one block of input
    public void Sha512_256PadsAtBlockEdges(int length, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Sha512_256.HashData(Encoding.ASCII.GetBytes(new string('a', length)))));

    private static DigestChallenge Read(string field) => DigestScheme.TryRead(ChallengeParser.Parse(field).Single())!;
}
