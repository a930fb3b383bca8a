using System.Net;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Caching.CacheTest;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// Over real sockets, from a raw server: a stored validator with obs-text (RFC 9110 §5.5) cannot be sent back as it was
/// received, so the entry is unconditional: once stale it is fetched again without conditions, and replaced.
/// </summary>
public sealed class CacheHeaderBytesTests
{
    [Theory]
    [InlineData("ETag", "\"caf\u00C3\u00A9\"")] // "café" sent as UTF-8
    [InlineData("ETag", "\"caf\u00E9\"")] // a lone 0xE9
    [InlineData("Last-Modified", "Mon, 30 Dec 2024 00:00:00 GMT \u00E9")]
    public async Task A_stale_entry_whose_validator_holds_obs_text_is_fetched_again_unconditionally_and_replaced(string field, string value)
    {
        var time = Time();
        await using var server = RawHttpServer.Start(n => RawHttpServer.Latin1(
            $"HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\n{field}: {value}\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbody{n}"));
        await using var client = Client(time);

        using (var first = await client.Client.GetAsync(server.BaseAddress))
        {
            Assert.Equal("body0", await first.Content.ReadAsStringAsync());
        }

        time.Advance(TimeSpan.FromSeconds(61));
        using (var second = await client.Client.GetAsync(server.BaseAddress))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal("body1", await second.Content.ReadAsStringAsync());
        }

        var heads = server.Heads;
        Assert.Equal(2, heads.Count);
        Assert.False(RawHttpServer.HasField(heads[1], "If-None-Match"), heads[1]);
        Assert.False(RawHttpServer.HasField(heads[1], "If-Modified-Since"), heads[1]);

        // The new response replaced the stale one: served fresh, with no third request.
        using var third = await client.Client.GetAsync(server.BaseAddress);
        Assert.Equal("body1", await third.Content.ReadAsStringAsync());
        Assert.Equal(2, server.Heads.Count);
    }
}
