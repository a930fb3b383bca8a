using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Tests.CacheGroups;

/// <summary><c>Cache-Groups</c> and <c>Cache-Group-Invalidation</c> as RFC 9875 §2 and §3 read them: Lists of Strings (RFC 9651).</summary>
public sealed class CacheGroupFieldsTests
{
    [Theory]
    [InlineData("\"scripts\"", "scripts")]
    [InlineData("\"scripts\", \"styles\"", "scripts|styles")]
    [InlineData("\"scripts\",\"styles\"", "scripts|styles")]
    [InlineData("  \"a\" ,\t\"b\"  ", "a|b")]
    [InlineData("\"a\";x=1, \"b\";y;z=?0", "a|b")] // §2: unrecognised parameters are ignored
    [InlineData("\"a\", \"a\", \"b\"", "a|b")] // a repeated member counts once
    [InlineData("\"Scripts\", \"scripts\"", "Scripts|scripts")] // §2.1: case-sensitive
    [InlineData("\"with \\\"quote\\\" and \\\\\"", "with \"quote\" and \\")]
    [InlineData("\"eurovision-results\", \"australia\"", "eurovision-results|australia")] // §3's example
    [InlineData("\"\"", "")]
    public void A_list_of_strings_is_read(string value, string expected) =>
        Assert.Equal(expected.Split('|'), CacheGroupFields.Parse(value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("scripts")] // a token is not a string: the field is ignored whole (RFC 9651 §4.2)
    [InlineData("\"a\", b")]
    [InlineData("(\"a\" \"b\")")] // an inner list
    [InlineData("\"a\", 1")]
    [InlineData("\"a\",")] // trailing comma
    [InlineData(",\"a\"")]
    [InlineData("\"a\" \"b\"")]
    [InlineData("\"unterminated")]
    [InlineData("\"bad \\n escape\"")]
    [InlineData("\"tab\tinside\"")]
    [InlineData("\"é\"")]
    [InlineData("\"a\";")]
    [InlineData("\"a\";X=1")]
    public void A_malformed_value_is_ignored(string? value) => Assert.Null(CacheGroupFields.Parse(value));

    [Fact]
    public void At_least_32_groups_of_32_characters_are_kept()
    {
        var groups = Enumerable.Range(0, 32).Select(i => i.ToString("00", System.Globalization.CultureInfo.InvariantCulture) + new string('g', 30)).ToArray();
        Assert.All(groups, g => Assert.Equal(32, g.Length));
        Assert.Equal(groups, CacheGroupFields.Parse(string.Join(", ", groups.Select(g => "\"" + g + "\""))));
    }

    [Fact]
    public void Members_past_the_bounds_are_dropped_and_the_rest_kept()
    {
        var many = Enumerable.Range(0, 100).Select(i => "\"g" + i + "\"");
        Assert.Equal(CacheGroupFields.MaxGroups, CacheGroupFields.Parse(string.Join(",", many))!.Length);

        var tooLong = "\"" + new string('x', CacheGroupFields.MaxGroupLength + 1) + "\", \"short\"";
        Assert.Equal(["short"], CacheGroupFields.Parse(tooLong)!);
        Assert.Null(CacheGroupFields.Parse("\"" + new string('x', CacheGroupFields.MaxFieldLength) + "\""));
    }

    [Fact]
    public void Field_lines_are_combined_as_one_list()
    {
        KeyValuePair<string, string>[] headers =
        [
            new("Content-Type", "text/plain"),
            new("cache-groups", "\"a\""),
            new("Cache-Groups", "\"b\", \"a\""),
        ];
        Assert.Equal(["a", "b"], CacheGroupFields.Read(headers, CacheGroupFields.Groups)!);

        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("Cache-Group-Invalidation", "\"x\"");
        response.Headers.TryAddWithoutValidation("Cache-Group-Invalidation", "\"y\"");
        Assert.Equal(["x", "y"], CacheGroupFields.Read(response, CacheGroupFields.Invalidation)!);
    }

    [Theory]
    [InlineData("GET https://api.example.com/a", "\"x\", \"y\"", "group https://api.example.com x|group https://api.example.com y")]
    [InlineData("GET https://api.example.com:8443/a?q=1 partitionhash", "\"x\"", "group https://api.example.com:8443 x")]
    [InlineData("GET http://api.example.com:80/a", "\"x\"", "group http://api.example.com x")]
    [InlineData("GET https://api.example.com/a", null, "")]
    [InlineData("QUERY https://api.example.com/search?x=1 #digest", null, "uri https://api.example.com/search?x=1")]
    [InlineData("POST https://api.example.com/search #digest hash", "\"x\"", "group https://api.example.com x|uri https://api.example.com/search")]
    [InlineData("nonsense", "\"x\"", "")]
    public void The_tags_of_a_key_are_its_groups_in_its_origin_and_a_querys_URI(string key, string? groups, string expected)
    {
        var headers = groups is null ? new List<KeyValuePair<string, string>>() : [new("Cache-Groups", groups)];
        var entry = new HttpCacheEntry(200, headers, Array.Empty<byte>(), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, []);
        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), HttpCacheTags.For(key, [entry]));
    }
}
