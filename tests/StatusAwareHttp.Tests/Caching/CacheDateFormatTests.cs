using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// End to end over real sockets: <c>Expires</c> in each HTTP-date format (RFC 9110 §5.6.7) gives freshness; one that is
/// otherwise invalid means already expired (RFC 9111 §5.3), never a fresh entry.
/// </summary>
public sealed class CacheDateFormatTests
{
    [Theory]
    [InlineData("ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", true)] // IMF-fixdate
    [InlineData("dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'", true)] // RFC 850
    [InlineData("ddd MMM d HH':'mm':'ss yyyy", true)] // asctime (the day is padded below)
    [InlineData("ddd, dd MMM yyyy HH':'mm':'ss 'gmt'", true)] // the zone name in any case
    [InlineData("ddd,  dd MMM yyyy HH':'mm':'ss 'GMT'", false)] // two spaces where one belongs: invalid, so expired
    public async Task Expires_in_each_format_gives_freshness_and_an_invalid_one_is_already_expired(string format, bool fresh)
    {
        var time = Time();
        var expires = time.GetUtcNow().AddHours(1).UtcDateTime.ToString(format, CultureInfo.InvariantCulture);
        if (format.StartsWith("ddd MMM d ", StringComparison.Ordinal))
        {
            // asctime: a one-digit day is preceded by two spaces (date3 = month SP ( 2DIGIT / ( SP DIGIT ) )).
            expires = expires[..8] + (expires[9] == ' ' ? " " : string.Empty) + expires[8..];
        }

        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/d", (HttpContext c) =>
        {
            c.Response.Headers.Date = Http(time.GetUtcNow());
            c.Response.Headers.Expires = expires;
            return c.Response.WriteAsync("dated");
        }));
        await using var client = Client(time);

        (await client.Client.GetAsync(server.Url("/d"))).Dispose();
        time.Advance(TimeSpan.FromMinutes(1));
        using var second = await client.Client.GetAsync(server.Url("/d"));

        Assert.Equal("dated", await second.Content.ReadAsStringAsync());
        Assert.True(fresh ? server.CountFor("/d") == 1 : server.CountFor("/d") == 2, $"Expires: {expires} ({server.CountFor("/d")} requests)");
    }
}
