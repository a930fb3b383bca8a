using CsCheck;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Tests.Properties;

/// <summary>
/// Generated input for the cache group fields (RFC 9875; CsCheck, fixed seed, one thread): any text is a list of
/// groups or "ignored", never an exception, within the bounds; a list written is read back.
/// </summary>
public sealed class CacheGroupProperties
{
    private const int Iterations = 5000;

    private static readonly Gen<char> s_char = Gen.Frequency(
        (6, Gen.Char["\",;=()\\ \t?*:@%-0123456789"]),
        (4, Gen.Char['a', 'z']),
        (2, Gen.Char[' ', '~']),
        (1, Gen.Char['\0', '\u001F']),
        (1, Gen.Char['\u0080', '\u00FF']),
        (1, Gen.Char));

    private static readonly Gen<string> s_words = Gen.OneOf(
        "\"", "\"a\"", "\"scripts\"", ",", ", ", ";", ";x=1", "=", "(", ")", "\\", "\\\"", "?1", "token", "1", " ", "\t");

    private static readonly Gen<string> s_text = Gen.Frequency(
        (6, s_char.Array[0, 120].Select(chars => new string(chars))),
        (4, s_words.Array[0, 20].Select(words => string.Concat(words))),
        (1, s_char.Array[0, 40 * 1024].Select(chars => new string(chars))));

    [Fact]
    public void Any_text_is_a_list_of_groups_or_ignored() =>
        s_text.Check(
            text =>
            {
                if (CacheGroupFields.Parse(text) is { } groups)
                {
                    Assert.InRange(groups.Length, 1, CacheGroupFields.MaxGroups);
                    Assert.All(groups, g => Assert.True(g.Length <= CacheGroupFields.MaxGroupLength && g.All(c => c is >= ' ' and <= '~')));
                    Assert.Equal(groups.Length, groups.Distinct(StringComparer.Ordinal).Count());
                }
            }, Iterations);

    [Fact]
    public void A_list_written_is_read_back() =>
        Gen.Char[' ', '~'].Array[0, 32].Select(c => new string(c)).Array[1, 32].Check(
            groups =>
            {
                var text = string.Join(", ", groups.Select(g => "\"" + g.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\";p=1"));
                Assert.Equal(groups.Distinct(StringComparer.Ordinal), CacheGroupFields.Parse(text));
            }, Iterations);
}
