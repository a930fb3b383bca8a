using StatusAwareHttp.Deprecation.Internal;

namespace StatusAwareHttp.Tests.Deprecation;

/// <summary>Table tests of the pure parts: the three field parsers, the route template and the memory of routes.</summary>
public sealed class DeprecationFieldsTests
{
    [Theory]
    [InlineData("@1688169599", 1688169599L)] // RFC 9745 §2.1's example
    [InlineData("  @1688169599  ", 1688169599L)] // RFC 8941 §4.2: leading and trailing SP discarded
    [InlineData("@0", 0L)]
    [InlineData("@-86400", -86400L)] // RFC 9651 §3.3.7: a Date is an Integer, negative allowed
    [InlineData("@1688169599;reason=\"moved\"", 1688169599L)] // parameters of an Item: none defined, ignored
    [InlineData("@1688169599;a;b=?0", 1688169599L)]
    [InlineData("@253402300799", 253402300799L)] // 9999-12-31T23:59:59Z, the last second DateTimeOffset holds
    public void Deprecation_is_an_sf_date(string value, long seconds)
    {
        Assert.True(DeprecationFields.TryParseDeprecation(value, out var date));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(seconds), date);
    }

    [Theory]
    [InlineData("")]
    [InlineData("@")]
    [InlineData("1688169599")] // an Integer, not a Date
    [InlineData("?1")] // the boolean of the drafts before RFC 9745, no longer the syntax
    [InlineData("true")]
    [InlineData("@1688169599.5")] // a Date is an Integer (RFC 9651 §3.3.7)
    [InlineData("@1688169599, @1688169600")] // two field lines: a List, not an Item (§2.1: sent once)
    [InlineData("@1688169599 x")]
    [InlineData("@1688169599;")]
    [InlineData("@1688169599;A=1")] // keys are lower case (RFC 8941 §3.1.2)
    [InlineData("\t@1688169599")] // only SP is discarded around an SF value
    [InlineData("@9999999999999999")] // 16 digits: over the 15 of an Integer
    [InlineData("@999999999999999")] // an Integer, but past the year 9999
    [InlineData("Fri, 30 Jun 2023 23:59:59 GMT")] // an HTTP-date is the Sunset's syntax, not Deprecation's
    [InlineData("@ 1688169599")]
    public void A_malformed_deprecation_is_ignored(string value) =>
        Assert.False(DeprecationFields.TryParseDeprecation(value, out _));

    [Theory]
    [InlineData("Sun, 30 Jun 2024 23:59:59 GMT", "2024-06-30T23:59:59Z")] // RFC 9745 §4's example
    [InlineData("Sat, 31 Dec 2018 23:59:59 GMT", "2018-12-31T23:59:59Z")] // RFC 8594 §3's example (its weekday is wrong, as parsers allow)
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37Z")] // RFC 9110 §5.6.7: the obsolete forms are accepted
    [InlineData("Sun Nov  6 08:49:37 1994", "1994-11-06T08:49:37Z")]
    public void Sunset_is_an_http_date(string value, string expected)
    {
        Assert.True(DeprecationFields.TryParseSunset(value, s_received, out var date));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), date);
    }

    [Theory]
    [InlineData("")]
    [InlineData("@1719791999")] // an SF date is Deprecation's syntax, not Sunset's
    [InlineData("2024-06-30T23:59:59Z")]
    [InlineData("Sun, 30 Jun 2024 23:59:59")]
    [InlineData("Sun, 30 Jun 2024 25:59:59 GMT")]
    [InlineData("tomorrow")]
    public void A_malformed_sunset_is_ignored(string value) =>
        Assert.False(DeprecationFields.TryParseSunset(value, s_received, out _));

    // When the responses of these rows are received: the RFC 850 row's '94' is 1994 against it (RFC 9110 §5.6.7).
    private static readonly DateTimeOffset s_received = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    private static readonly Uri s_base = new("https://api.example.org/v1/orders/42?key=secret");

    [Theory]
    // RFC 9745 §3 and RFC 8594 §6 examples, relative targets resolved against the request URI (RFC 8288 §3.1).
    [InlineData("<https://developer.example.com/deprecation>; rel=\"deprecation\"; type=\"text/html\"", "https://developer.example.com/deprecation", "", "")]
    [InlineData("<https://example.net/sunset>;rel=\"sunset\";type=\"text/html\"", "", "https://example.net/sunset", "")]
    [InlineData("</v2/orders/42>; rel=successor-version", "", "", "https://api.example.org/v2/orders/42")]
    [InlineData("<docs>; rel=\"Deprecation\"", "https://api.example.org/v1/orders/docs", "", "")] // §2.1.1: relation types compare without case
    [InlineData("<https://e.x/both>; rel=\"deprecation sunset\"", "https://e.x/both", "https://e.x/both", "")] // §3.3: several types, space separated
    [InlineData("<https://e.x/a,b>; rel=deprecation, <https://e.x/next>; rel=next", "https://e.x/a,b", "", "")] // a comma inside <> is no separator
    [InlineData("<https://e.x/first>; rel=deprecation; rel=sunset", "https://e.x/first", "", "")] // §3.3: a second rel is ignored
    [InlineData("<https://e.x/q>; title=\"a, \\\"quoted\\\"; rel=sunset\"; rel=deprecation", "https://e.x/q", "", "")] // ;, and rel inside a quoted title are text
    [InlineData("garbage, <https://e.x/ok>; rel=deprecation", "https://e.x/ok", "", "")] // a malformed value is skipped, the next is read
    [InlineData("<https://e.x/bad> junk; rel=deprecation, <https://e.x/ok>; rel=sunset", "", "https://e.x/ok", "")]
    [InlineData("<https://e.x/a>; rel=\"deprecation, <https://e.x/b>; rel=sunset", "", "", "")] // an unclosed quote ends the line
    [InlineData("<https://e.x/a; rel=deprecation", "", "", "")] // no closing >
    [InlineData("<https://e.x/ space>; rel=deprecation", "", "", "")] // a URI-Reference has no space (RFC 3986 §4.1)
    [InlineData("<https://e.x/a>; rel=next", "", "", "")]
    [InlineData(",, ,", "", "", "")]
    [InlineData("", "", "", "")]
    public void Link_relations_are_read(string line, string deprecation, string sunset, string successor)
    {
        var links = LinkField.Parse(line, s_base);
        Assert.Equal(deprecation, string.Join(" ", links.Deprecation));
        Assert.Equal(sunset, string.Join(" ", links.Sunset));
        Assert.Equal(successor, string.Join(" ", links.SuccessorVersion));
    }

    [Fact]
    public void Link_targets_are_bounded_per_relation()
    {
        var line = string.Join(", ", Enumerable.Range(0, 50).Select(i => $"<https://e.x/{i}>; rel=deprecation"));
        Assert.Equal(LinkField.MaxTargetsPerRelation, LinkField.Parse(line, null).Deprecation.Count);
    }

    [Theory]
    [InlineData("https://api.example.org/orders/42", "https://api.example.org/orders/{id}")]
    [InlineData("https://api.example.org/orders/43?token=secret#x", "https://api.example.org/orders/{id}")] // never the query
    [InlineData("https://api.example.org/orders/0f8fad5b-d9cb-469f-a165-70867728950e/lines/7", "https://api.example.org/orders/{id}/lines/{id}")]
    [InlineData("https://api.example.org/orders/0F8FAD5BD9CB469FA16570867728950E", "https://api.example.org/orders/{id}")]
    [InlineData("https://api.example.org/orders/v2", "https://api.example.org/orders/v2")]
    [InlineData("https://api.example.org/orders/42a", "https://api.example.org/orders/42a")]
    [InlineData("http://127.0.0.1:8080/", "http://127.0.0.1:8080/")]
    [InlineData("https://api.example.org:443/a//1/", "https://api.example.org/a//{id}/")]
    public void Routes_fold_numeric_and_guid_segments(string uri, string expected) =>
        Assert.Equal(expected, RouteTemplate.Of(new Uri(uri)));

    [Fact]
    public void A_relative_request_uri_loses_its_query_too() =>
        Assert.Equal("/orders/{id}", RouteTemplate.Of(new Uri("/orders/9?token=secret", UriKind.Relative)));

    [Fact]
    public void A_long_path_is_cut()
    {
        var template = RouteTemplate.Of(new Uri("https://e.x/" + new string('a', 5000)));
        Assert.Equal(RouteTemplate.MaxLength + 1, template.Length);
        Assert.EndsWith("…", template, StringComparison.Ordinal);
    }

    [Fact]
    public void The_memory_of_routes_is_bounded_and_forgets_the_oldest()
    {
        var memory = new DeprecationMemory(2);
        Assert.True(memory.FirstTime("GET a"));
        Assert.False(memory.FirstTime("GET a"));
        Assert.True(memory.FirstTime("GET b"));
        Assert.True(memory.FirstTime("GET c")); // "GET a" forgotten
        Assert.Equal(2, memory.Count);
        Assert.False(memory.FirstTime("GET b"));
        Assert.True(memory.FirstTime("GET a"));
    }

    [Fact]
    public void A_successor_version_link_alone_is_no_notice()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("Link", "</v2>; rel=successor-version");
        Assert.Null(response.GetDeprecation());
        response.Headers.TryAddWithoutValidation("Deprecation", "@1");
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1), response.GetDeprecation()!.DeprecationDate);
    }

    [Fact]
    public void A_sunset_before_the_deprecation_is_flagged()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("Deprecation", "@1719791999"); // 2024-06-30
        response.Headers.TryAddWithoutValidation("Sunset", "Fri, 30 Jun 2023 23:59:59 GMT");
        Assert.True(response.GetDeprecation()!.SunsetBeforeDeprecation);
        response.Headers.Remove("Sunset");
        Assert.False(response.GetDeprecation()!.SunsetBeforeDeprecation);
    }

    [Fact]
    public void Two_sunset_lines_are_ignored()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("Sunset", "Sun, 30 Jun 2024 23:59:59 GMT");
        response.Headers.TryAddWithoutValidation("Sunset", "Mon, 30 Jun 2025 23:59:59 GMT");
        Assert.Null(response.GetDeprecation());
    }
}
