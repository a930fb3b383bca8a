using System.Security.Cryptography;
using System.Text;
using CsCheck;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Digests.Internal;

namespace StatusAwareHttp.Tests.Digests;

/// <summary>Table tests and properties of the digest fields (RFC 9530) and the streaming check.</summary>
public sealed class DigestFieldsTests
{
    private static readonly byte[] s_body = Encoding.ASCII.GetBytes("{\"hello\": \"world\"}");

    // RFC 9530 §2's example body and its sha-256.
    public const string HelloSha256 = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";

    private static string Sha256Of(byte[] body) => "sha-256=:" + Convert.ToBase64String(SHA256.HashData(body)) + ":";

    private static string Sha512Of(byte[] body) => "sha-512=:" + Convert.ToBase64String(SHA512.HashData(body)) + ":";

    private static List<ExpectedDigest> Parse(string value)
    {
        var found = new List<ExpectedDigest>();
        DigestFields.TryParse(DigestFields.ContentDigest, value, found);
        return found;
    }

    [Fact]
    public void The_rfc_example_is_the_sha_256_of_its_body() =>
        Assert.Equal(HelloSha256, Sha256Of(s_body));

    [Theory]
    [InlineData(HelloSha256, "sha-256")]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE:", "sha-256")] // RFC 8941 §4.2.7: padding optional on reading
    [InlineData("md5=:Sd/dVLAcvNLSq16eXua5uQ==:, " + HelloSha256, "sha-256")] // §7.2: deprecated algorithms ignored
    [InlineData("unixsum=30637, " + HelloSha256 + ";p=1", "sha-256")] // parameters ignored; other members ignored
    [InlineData("sha-256=:AAAA:, " + HelloSha256, "sha-256")] // a value of the wrong length is ignored, a later key replaces it
    [InlineData("  " + HelloSha256 + "  ", "sha-256")]
    public void A_digest_field_is_a_dictionary_of_algorithms(string value, string algorithms) =>
        Assert.Equal(algorithms, string.Join(" ", Parse(value).Select(d => d.AlgorithmName)));

    [Theory]
    [InlineData("")]
    [InlineData("sha-256")] // a boolean member: no byte sequence
    [InlineData("sha-256=\"X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\"")] // a string, not a byte sequence
    [InlineData("SHA-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:")] // keys are lower case: fails parsing
    [InlineData(HelloSha256 + ",")] // a trailing comma fails parsing
    [InlineData(HelloSha256 + " junk")]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=")] // unclosed
    [InlineData("sha-256=:not base64 at all!:")]
    [InlineData("sha-512=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:")] // a sha-256 length under sha-512
    public void A_malformed_or_unusable_field_announces_nothing(string value) =>
        Assert.Empty(Parse(value));

    [Fact]
    public void The_streaming_check_finds_a_match_and_a_mismatch_in_any_chunking()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation(DigestFields.ContentDigest, Sha256Of(s_body));
        response.Headers.TryAddWithoutValidation(DigestFields.ReprDigest, Sha512Of(s_body));
        using (var digest = BodyDigest.ForWholeBody(response)!)
        {
            foreach (var b in s_body)
            {
                digest.Append([b]);
            }

            Assert.Null(digest.Mismatch());
        }

        using (var digest = BodyDigest.ForWholeBody(response)!)
        {
            digest.Append(s_body.AsSpan(1));
            Assert.Equal("Content-Digest sha-256", digest.Mismatch().ToString());
        }
    }

    [Theory]
    [InlineData("gzip, deflate", null, true)] // offered codings, none named: the primary handler may have decoded the body
    [InlineData("gzip", "gzip", false)] // still encoded: the bytes are the ones digested
    [InlineData("identity", null, false)]
    [InlineData(null, null, false)]
    public void No_check_when_the_body_may_have_been_decoded(string? acceptEncoding, string? contentEncoding, bool skipped)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/");
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        using var response = new HttpResponseMessage { RequestMessage = request, Content = new ByteArrayContent(s_body) };
        if (contentEncoding is not null)
        {
            response.Content.Headers.TryAddWithoutValidation("Content-Encoding", contentEncoding);
        }

        response.Headers.TryAddWithoutValidation(DigestFields.ContentDigest, HelloSha256);
        Assert.Equal(skipped, BodyDigest.MayBeDecoded(response));
        Assert.Equal(skipped, BodyDigest.ForWholeBody(response) is null);
    }

    [Fact]
    public void Any_text_is_digests_or_ignored() =>
        Gen.Frequency(
                (4, Gen.Char["=:,;\"\\ \t-0123456789+/abcdefghsAZ"].Array[0, 200].Select(c => new string(c))),
                (2, Gen.OneOf("sha-256", "sha-512", "=", ":", HelloSha256, ",", " ", ";a", "md5", "X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE").Array[0, 12].Select(string.Concat)),
                (1, Gen.Char.Array[0, 8192].Select(c => new string(c))))
            .Check(
                text =>
                {
                    var found = Parse(text);
                    Assert.True(found.Count <= 2);
                    Assert.All(found, d => Assert.Equal(d.Algorithm == DigestAlgorithm.Sha256 ? 32 : 64, d.Value.Length));
                }, 3000);

    [Fact]
    public void A_digest_written_is_read_back() =>
        Gen.Byte.Array[0, 300].Check(
            body =>
            {
                var found = Parse(Sha256Of(body) + ", " + Sha512Of(body));
                Assert.Equal(SHA256.HashData(body), found[0].Value);
                Assert.Equal(SHA512.HashData(body), found[1].Value);
            }, 1000);
}
