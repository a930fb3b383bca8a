using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>The Cache-Control parser: RFC 9111 §5.2 syntax, §1.2.2 delta-seconds, §4.2.1 duplicates, malformed input.</summary>
public class CacheDirectivesTests
{
    private const long Absent = CacheDirectives.Absent;
    private const long Invalid = CacheDirectives.Invalid;

    [Theory]
    [InlineData("max-age=60", 60)] // §5.2.2.1
    [InlineData("MAX-AGE=60", 60)] // §5.2: directive names are case-insensitive
    [InlineData("max-age=\"60\"", 60)] // §5.2: the quoted-string form is accepted too
    [InlineData("max-age=0", 0)]
    [InlineData("max-age=abc", Invalid)] // §4.2.1: invalid freshness information
    [InlineData("max-age=-1", Invalid)] // §1.2.2: 1*DIGIT, no sign
    [InlineData("max-age=1.5", Invalid)]
    [InlineData("max-age=", Invalid)]
    [InlineData("max-age", Invalid)] // the argument is required
    [InlineData("max-age=\"60", Invalid)] // unterminated quoted-string
    [InlineData("max-age=60 junk", Invalid)]
    [InlineData("max-age=60, max-age=60", 60)] // a repeated identical value is the value
    [InlineData("max-age=60, max-age=120", Invalid)] // §4.2.1: conflicting duplicates are not trusted
    [InlineData("max-age=99999999999999999999999", CacheDirectives.DeltaSecondsCap)] // §1.2.2: overflow is 2^31
    [InlineData("max-age=2147483648", CacheDirectives.DeltaSecondsCap)]
    [InlineData("private, max-age=5", 5)]
    [InlineData(",, ,max-age=5,,", 5)] // empty list members are ignored
    [InlineData("foo=bar, max-age=5, baz, qux=\"a, max-age=9\"", 5)] // §5.2.3: unknown directives ignored, commas inside quotes kept
    [InlineData("no-cache=\"Set-Cookie, X-Foo\", max-age=7", 7)]
    [InlineData("s-maxage=10", Absent)] // s-maxage is not max-age
    [InlineData("", Absent)]
    public void Parses_max_age(string line, long expected)
    {
        var directives = Parse(line);
        Assert.Equal(expected, directives.MaxAge);
    }

    [Theory]
    [InlineData("no-cache", true, false)]
    [InlineData("no-cache=\"Set-Cookie\"", true, false)] // §5.2.2.4: the qualified form is treated as unqualified
    [InlineData("No-Store", false, true)]
    [InlineData("no-cache, no-store", true, true)]
    [InlineData("nocache, nostore", false, false)]
    public void Parses_no_cache_and_no_store(string line, bool noCache, bool noStore)
    {
        var directives = Parse(line);
        Assert.Equal(noCache, directives.NoCache);
        Assert.Equal(noStore, directives.NoStore);
    }

    [Theory]
    [InlineData("max-stale", CacheDirectives.Unbounded)] // §5.2.1.2: no value accepts any staleness
    [InlineData("max-stale=10", 10L)]
    [InlineData("max-stale=x", Invalid)]
    [InlineData("max-stale=10, max-stale", Invalid)]
    public void Parses_max_stale(string line, long expected) => Assert.Equal(expected, Parse(line).MaxStale);

    [Fact]
    public void Parses_the_other_directives()
    {
        var directives = Parse("min-fresh=5, only-if-cached, must-revalidate, public, must-understand, stale-while-revalidate=30, stale-if-error=\"60\", proxy-revalidate, s-maxage=9");
        Assert.Equal(5, directives.MinFresh);
        Assert.True(directives.OnlyIfCached);
        Assert.True(directives.MustRevalidate);
        Assert.True(directives.Public);
        Assert.True(directives.MustUnderstand);
        Assert.True(directives.ProxyRevalidate);
        Assert.Equal(30, directives.StaleWhileRevalidate);
        Assert.Equal(60, directives.StaleIfError);
        Assert.Equal(9, directives.SMaxAge);
    }

    [Fact]
    public void Several_field_lines_form_one_list()
    {
        var directives = CacheDirectives.Empty;
        directives.ParseLine("max-age=5");
        directives.ParseLine("no-cache");
        Assert.Equal(5, directives.MaxAge);
        Assert.True(directives.NoCache);
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("=")]
    [InlineData("===,,==\"\\")]
    [InlineData("max-age=\"\\")]
    [InlineData("@@@, max-age=1")]
    public void Garbage_never_throws(string line)
    {
        var directives = Parse(line);
        Assert.True(directives.Present);
    }

    private static CacheDirectives Parse(string line)
    {
        var directives = CacheDirectives.Empty;
        directives.ParseLine(line);
        return directives;
    }
}
