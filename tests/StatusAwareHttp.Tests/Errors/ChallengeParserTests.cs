using StatusAwareHttp.Errors.Internal;

namespace StatusAwareHttp.Tests.Errors;

public sealed class ChallengeParserTests
{
    // Each row: a WWW-Authenticate field value, and the challenges expected, written as
    // "Scheme|token68" or "Scheme;name=value;name=value" and separated by " // ".
    [Theory]
    [InlineData("Basic realm=\"simple\"", "Basic;realm=simple")] // §11.6.1 one challenge, quoted-string value
    [InlineData("Basic realm=simple", "Basic;realm=simple")] // §11.2 a token value
    [InlineData("basic REALM=\"x\"", "basic;realm=x")] // §11.1, §11.2 scheme and names case-insensitive
    [InlineData("Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\"",
        "Newauth;realm=apps;type=1;title=Login to \"apps\" // Basic;realm=simple")] // §11.6.1 the RFC's own example: two challenges in one field, quoted-pair
    [InlineData("Digest realm=\"a\", nonce=\"n, with comma\", qop=\"auth,auth-int\", Basic realm=\"b\"",
        "Digest;realm=a;nonce=n, with comma;qop=auth,auth-int // Basic;realm=b")] // commas inside quoted-strings do not split
    [InlineData("Bearer", "Bearer")] // a scheme alone
    [InlineData("Negotiate a87421000492aa874209af8bc028", "Negotiate|a87421000492aa874209af8bc028")] // §11.2 token68
    [InlineData("Negotiate abc+/de==, Basic realm=x", "Negotiate|abc+/de== // Basic;realm=x")] // token68 with padding, then another challenge
    [InlineData("Basic, Bearer", "Basic // Bearer")] // two bare schemes
    [InlineData(", ,Basic realm=x,, ", "Basic;realm=x")] // §5.6.1 empty list elements are skipped
    [InlineData("Basic realm = \"spaced\"", "Basic;realm=spaced")] // §11.2 BWS around "="
    [InlineData("Basic realm=\"first\", realm=\"second\"", "Basic;realm=first")] // §11.2 a repeated name: the first value wins
    [InlineData("Bearer realm=\"example\", error=\"invalid_token\", error_description=\"The access token expired\"",
        "Bearer;realm=example;error=invalid_token;error_description=The access token expired")] // RFC 6750 §3
    [InlineData("Basic realm=\"unterminated", "")] // no closing quote: nothing usable
    [InlineData("Basic realm=\"ok\", Digest realm=\"broken", "Basic;realm=ok")] // a broken challenge keeps the earlier ones
    [InlineData("", "")]
    public void Parses(string field, string expected)
    {
        var parsed = ChallengeParser.Parse(field);
        Assert.Equal(expected, string.Join(" // ", parsed.Select(Render)));
    }

    [Fact]
    public void ParsesSeveralFieldLinesInOrder()
    {
        var parsed = ChallengeParser.Parse(["Digest realm=\"d\", nonce=\"1\"", "Basic realm=\"b\""]);
        Assert.Equal(["Digest", "Basic"], parsed.Select(c => c.Scheme));
        Assert.Equal("d", parsed[0].Realm);
        Assert.Equal("1", parsed[0].Parameters["NONCE"]);
    }

    private static string Render(AuthenticationChallenge challenge)
    {
        if (challenge.Token68 is not null)
        {
            return challenge.Scheme + "|" + challenge.Token68;
        }

        return string.Concat(new[] { challenge.Scheme }.Concat(challenge.Parameters.Select(p => ";" + p.Key.ToLowerInvariant() + "=" + p.Value)));
    }
}
