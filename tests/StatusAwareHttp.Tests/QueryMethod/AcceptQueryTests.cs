using CsCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.QueryMethod;

/// <summary><c>Accept-Query</c> (RFC 10008 §3) read as a Structured Field List of media ranges (RFC 9651), and exposed on the response.</summary>
public sealed class AcceptQueryTests
{
    [Theory]
    [InlineData("application/jsonpath", "application/jsonpath")]
    [InlineData("\"application/jsonpath\"", "application/jsonpath")] // §3: Token or String is insignificant
    [InlineData("\"application/jsonpath\", application/sql;charset=\"UTF-8\"", "application/jsonpath|application/sql; charset=UTF-8")] // §3's example
    [InlineData("application/sql;charset=UTF-8", "application/sql; charset=UTF-8")]
    [InlineData("text/*, */*", "text/*|*/*")]
    [InlineData("a/b;p=\"two words\"", "a/b; p=\"two words\"")]
    [InlineData("a/b, notarange, c/d", "a/b|c/d")] // a member that is no type/subtype is dropped
    [InlineData("a/b;n=1, c/d", "c/d")] // a parameter of another type drops its member
    [InlineData("  a/b ,\tc/d  ", "a/b|c/d")]
    [InlineData("application/json; charset=utf-8", "application/json; charset=utf-8")] // a space after ';' is Structured Field syntax too
    public void Media_ranges_are_read(string value, string expected) =>
        Assert.Equal(expected.Split('|'), AcceptQueryField.Parse(value)!.Select(r => r.ToString()));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a/b, 1")] // a member of another type: the field is ignored (RFC 9651 §4.2)
    [InlineData("(a/b c/d)")]
    [InlineData("a/b,")]
    [InlineData("a/b c/d")]
    [InlineData("application/json;charset=UTF 8")]
    [InlineData("\"a/b")]
    [InlineData("notarange")]
    public void A_malformed_or_empty_field_is_ignored(string? value) => Assert.Null(AcceptQueryField.Parse(value));

    [Fact]
    public void Any_text_is_ranges_or_ignored() =>
        Gen.OneOf(
                Gen.Char[" ,;=\"/*()?:\\\tabcxyz019-+.@%"].Array[0, 80].Select(c => new string(c)),
                Gen.Char.Array[0, 40].Select(c => new string(c)))
            .Check(
                text =>
                {
                    if (AcceptQueryField.Parse(text) is { } ranges)
                    {
                        Assert.InRange(ranges.Length, 1, AcceptQueryField.MaxRanges);
                        Assert.All(ranges, r => Assert.Contains('/', r.MediaType!));
                    }
                }, 5000);

    [Fact]
    public async Task A_response_offers_the_query_formats_of_its_resource()
    {
        var time = Time();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapMethods("/search", ["GET", "OPTIONS"], (HttpContext c) =>
            {
                c.Response.Headers["Accept-Query"] = "\"application/jsonpath\", application/sql;charset=\"UTF-8\"";
                return Results.Text("ok");
            });
            app.MapGet("/plain", () => Results.Text("ok"));
            app.MapGet("/bad", (HttpContext c) =>
            {
                c.Response.Headers["Accept-Query"] = "application/json, 42";
                return Results.Text("ok");
            });
        });
        await using var client = Client(time);

        using var options = await client.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, server.Url("search")));
        var ranges = options.GetAcceptQuery()!;
        Assert.Equal(["application/jsonpath", "application/sql"], ranges.Select(r => r.MediaType));
        Assert.Equal("UTF-8", ranges[1].CharSet);

        using var get = await client.Client.GetAsync(server.Url("search"));
        Assert.Equal(2, get.GetAcceptQuery()!.Count);
        using var plain = await client.Client.GetAsync(server.Url("plain"));
        Assert.Null(plain.GetAcceptQuery());
        using var bad = await client.Client.GetAsync(server.Url("bad"));
        Assert.Null(bad.GetAcceptQuery());
    }
}
