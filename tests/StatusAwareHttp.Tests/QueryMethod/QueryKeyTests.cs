using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Tests.QueryMethod;

/// <summary>The content part of a query's cache key (RFC 10008 §2.7), a pure function: table tests and properties.</summary>
public sealed class QueryKeyTests
{

    private static string? Key(string content, string? type, string? encoding = null, bool normalise = true) =>
        QueryKey.Digest(Encoding.UTF8.GetBytes(content), type, encoding, normalise);

    [Theory]
    // The same content and metadata: the same key.
    [InlineData("{\"q\":1}", "application/json", null, "{\"q\":1}", "application/json", null, true, true)]
    // Type, subtype and parameter names without case, the charset value without case, a quoted value as unquoted (RFC 9110 §8.3.1, §5.6.6).
    [InlineData("q", "Text/Plain; Charset=UTF-8", null, "q", "text/plain;charset=\"utf-8\"", null, true, true)]
    // Other content, or the same bytes with another type, another parameter value, or another coding: another key.
    [InlineData("{\"q\":1}", "application/json", null, "{\"q\":2}", "application/json", null, true, false)]
    [InlineData("q=a", "text/plain", null, "q=a", "application/x-www-form-urlencoded", null, true, false)]
    [InlineData("q=a", "text/plain; a=X", null, "q=a", "text/plain; a=x", null, true, false)]
    [InlineData("q=a", "text/plain", "gzip", "q=a", "text/plain", null, true, false)]
    [InlineData("q=a", "text/plain", "gzip", "q=a", "text/plain", "br", true, false)]
    // identity is no coding; codings compare without case.
    [InlineData("q=a", "text/plain", "identity", "q=a", "text/plain", null, true, true)]
    [InlineData("q=a", "text/plain", "GZip", "q=a", "text/plain", " gzip ", true, true)]
    // JSON: insignificant whitespace (RFC 8259 §2) only, for application/json and +json in UTF-8.
    [InlineData("{ \"q\" : [ 1 , 2 ] }\n", "application/json", null, "{\"q\":[1,2]}", "application/json", null, true, true)]
    [InlineData("{ \"q\" : 1 }", "application/vnd.search+json; charset=utf-8", null, "{\"q\":1}", "application/vnd.search+json; charset=UTF-8", null, true, true)]
    [InlineData("{\"q\":\"a b\"}", "application/json", null, "{\"q\":\"ab\"}", "application/json", null, true, false)]
    [InlineData("{\"q\":\"a\\\" b\"}", "application/json", null, "{\"q\":\"a\\\"b\"}", "application/json", null, true, false)]
    // Not JSON by type, or not well formed, or encoded, or no-transform: keyed as sent.
    [InlineData("{ \"q\" : 1 }", "text/plain", null, "{\"q\":1}", "text/plain", null, true, false)]
    [InlineData("[1 2]", "application/json", null, "[12]", "application/json", null, true, false)]
    [InlineData("{ \"q\" : 1 }", "application/json", "gzip", "{\"q\":1}", "application/json", "gzip", true, false)]
    [InlineData("{ \"q\" : 1 }", "application/json", null, "{\"q\":1}", "application/json", null, false, false)]
    [InlineData("{ \"q\" : 1 }", "application/json; charset=utf-16", null, "{\"q\":1}", "application/json; charset=utf-16", null, true, false)]
    public void The_key_depends_on_the_content_and_the_metadata_that_changes_its_meaning(
        string a, string typeA, string? encodingA, string b, string typeB, string? encodingB, bool normalise, bool same)
    {
        var (x, y) = (Key(a, typeA, encodingA, normalise), Key(b, typeB, encodingB, normalise));
        Assert.NotNull(x);
        Assert.NotNull(y);
        Assert.Equal(same, x == y);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("json")]
    [InlineData("application/")]
    [InlineData("/json")]
    [InlineData("application/json; charset")]
    [InlineData("application/json; charset=\"utf-8")]
    [InlineData("application/json extra")]
    public void A_query_without_a_media_type_is_not_cacheable(string? type) => Assert.Null(Key("{}", type));

    [Fact]
    public void The_key_is_a_SHA_256_in_base64url_and_never_holds_the_content()
    {
        var key = Key("secret-query", "text/plain")!;
        Assert.Equal(43, key.Length);
        Assert.Equal(QueryKey.DigestLength, key.Length);
        Assert.DoesNotContain("secret", key, StringComparison.Ordinal);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", key);
    }

    [Fact]
    public void Any_content_and_type_give_a_key_or_not_cacheable_never_an_exception_and_always_the_same()
    {
        var types = Gen.OneOf(
            Gen.Const((string?)null),
            Gen.OneOf("application/json", "text/plain", "application/x+json", "a/b; c=\"d\\\"e\"", "application/json; charset=utf-16").Select(s => (string?)s),
            Gen.Char.Array[0, 60].Select(chars => (string?)new string(chars)),
            Gen.Char["\"\\;=/ \tajsonJSON+,"].Array[0, 40].Select(chars => (string?)new string(chars)));
        var contents = Gen.Frequency(
            (4, Gen.Byte.Array[0, 300]),
            (4, Gen.Char["{}[]\",:\\ \t\r\n0123456789.eE+-truefalsn"].Array[0, 200].Select(c => Encoding.UTF8.GetBytes(new string(c)))),
            (1, Gen.Byte.Array[0, 70_000]));
        Gen.Select(contents, types, Gen.Char[" ,gzipbrIDENTITY"].Array[0, 20].Select(c => new string(c)), Gen.Bool)
            .Check(
                (content, type, encoding, normalise) =>
                {
                    var key = QueryKey.Digest(content, type, encoding, normalise);
                    return (key is null || key.Length == QueryKey.DigestLength) && key == QueryKey.Digest(content, type, encoding, normalise);
                }, 3000);
    }

    [Fact]
    public void JSON_texts_key_alike_however_they_are_spaced_and_apart_whenever_their_values_differ()
    {
        var text = Gen.Char["ab \"\\\u00e9\u4e2d\t"].Array[0, 8].Select(c => new string(c));
        var value = Gen.OneOf(
            text.Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i)),
            Gen.Int.Array[0, 4].Select(a => (JsonNode?)new JsonArray([.. a.Select(i => (JsonNode?)JsonValue.Create(i))])));
        var document = Gen.Select(text, value).Array[0, 5].Select(members =>
        {
            var o = new JsonObject();
            foreach (var (name, v) in members)
            {
                o[name] = v;
            }

            return o;
        });
        var compact = new JsonSerializerOptions { WriteIndented = false };
        var indented = new JsonSerializerOptions { WriteIndented = true };
        Gen.Select(document, document).Check(
            (a, b) =>
            {
                var key = Key(a.ToJsonString(compact), "application/json");
                var spaced = Key(a.ToJsonString(indented), "application/json");
                var other = Key(b.ToJsonString(compact), "application/json");
                return key == spaced && (other == key) == JsonNode.DeepEquals(a, b);
            }, 2000);
    }
}
