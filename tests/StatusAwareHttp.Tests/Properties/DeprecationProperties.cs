using CsCheck;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Deprecation.Internal;

namespace StatusAwareHttp.Tests.Properties;

/// <summary>
/// Generated input for the deprecation parsers (CsCheck, fixed seed, one thread): any text gives a value or "ignored",
/// never an exception; an SF date written is read back; a link written is read back.
/// </summary>
public sealed class DeprecationProperties
{
    private const int Iterations = 3000;

    private static readonly Gen<char> s_char = Gen.Frequency(
        (6, Gen.Char["@<>;,=\"\\ \t-0123456789:/.?#%"]),
        (4, Gen.Char['a', 'z']),
        (2, Gen.Char[' ', '~']),
        (1, Gen.Char['\0', '\u001F']),
        (2, Gen.Char['\u0080', '\u00FF']),
        (1, Gen.Char));

    private static readonly Gen<string> s_words = Gen.OneOf(
        "@", "@1688169599", "@-1", "@999999999999999", "rel", "=", "\"", "deprecation", "sunset", "successor-version",
        "<https://e.x/a>", "</v2>", "<", ">", ";", ",", " ", "Sun, 30 Jun 2024 23:59:59 GMT", "GMT", "\\", "?1", ";a=1");

    private static readonly Gen<string> s_text = Gen.Frequency(
        (6, s_char.Array[0, 120].Select(chars => new string(chars))),
        (4, s_words.Array[0, 16].Select(words => string.Concat(words))),
        (1, s_char.Array[0, 40 * 1024].Select(chars => new string(chars))));

    private static void Sample<T>(Gen<T> gen, Action<T> property) => gen.Check(property, Iterations);

    [Fact]
    public void Any_text_is_a_deprecation_date_or_ignored() =>
        Sample(s_text, text => _ = DeprecationFields.TryParseDeprecation(text, out _));

    [Fact]
    public void Any_text_is_a_sunset_date_or_ignored() =>
        Sample(s_text, text => _ = DeprecationFields.TryParseSunset(text, DateTimeOffset.UnixEpoch, out _));

    [Fact]
    public void Any_text_is_links_or_ignored() => Sample(s_text, text =>
    {
        var links = LinkField.Parse(text, new Uri("https://api.example.org/v1/x"));
        Assert.True(links.Deprecation.Count <= LinkField.MaxTargetsPerRelation);
    });

    [Fact]
    public void Any_path_is_a_route_or_ignored() =>
        Sample(s_text, text =>
        {
            if (Uri.TryCreate("https://e.x/" + text, UriKind.Absolute, out var uri))
            {
                Assert.DoesNotContain('?', RouteTemplate.Of(uri));
            }
        });

    [Fact]
    public void An_sf_date_written_is_read_back() =>
        Sample(Gen.Long[-62_135_596_800, 253_402_300_799], seconds =>
        {
            Assert.True(DeprecationFields.TryParseDeprecation("@" + seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), out var date));
            Assert.Equal(seconds, date.ToUnixTimeSeconds());
        });

    [Fact]
    public void A_link_written_is_read_back() =>
        Sample(Gen.Select(Gen.Char['a', 'z'].Array[1, 20], Gen.OneOf("deprecation", "sunset", "successor-version")), pair =>
        {
            var (path, rel) = (new string(pair.Item1), pair.Item2);
            var links = LinkField.Parse($"<https://e.x/{path}>; rel=\"{rel}\"; title=\"t\"", null);
            var list = rel switch { "deprecation" => links.Deprecation, "sunset" => links.Sunset, _ => links.SuccessorVersion };
            Assert.Equal("https://e.x/" + path, Assert.Single(list).ToString());
        });
}
