using System.Net;
using CsCheck;
using StatusAwareHttp.Tests.Infrastructure;
using StatusAwareHttp.Redis.Internal;

namespace StatusAwareHttp.Redis.Tests;

public sealed class GateMessageTests
{
    [Theory]
    [InlineData("https://api.example/v1/items?page=2", 5_000, 429, "https://api.example:443")]
    [InlineData("http://127.0.0.1:8080/x", 1_500, 503, "http://127.0.0.1:8080")]
    [InlineData("https://bücher.example/", 30_000, 503, "https://xn--bcher-kva.example:443")]
    public void A_gate_carries_the_origin_only_its_hold_and_status(string uri, int holdMs, int status, string origin)
    {
        var text = GateMessage.Format("me", new Uri(uri), TimeSpan.FromMilliseconds(holdMs), (HttpStatusCode)status);

        Assert.DoesNotContain("items", text, StringComparison.Ordinal);
        Assert.True(GateMessage.TryParse(text, out var message));
        Assert.Equal(("me", TimeSpan.FromMilliseconds(holdMs), (HttpStatusCode)status), (message.Instance, message.Hold, message.Status));
        Assert.Equal(new Uri(origin), message.Origin);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("me|5000|429")]
    [InlineData("|5000|429|https://a.example:443")]
    [InlineData("me|-5|429|https://a.example:443")]
    [InlineData("me|5000|99|https://a.example:443")]
    [InlineData("me|5000|600|https://a.example:443")]
    [InlineData("me|5000|429|ftp://a.example:21")]
    [InlineData("me|5000|429|not a uri")]
    [InlineData("me|99999999999999999999|429|https://a.example:443")]
    public void A_message_that_cannot_be_read_is_refused(string? text) => Assert.False(GateMessage.TryParse(text, out _));

    [Fact]
    public void A_hold_longer_than_an_hour_is_read_as_an_hour() =>
        Assert.Equal(GateMessage.MaxHold, GateMessage.TryParse("me|86400000|503|https://a.example:443", out var m) ? m.Hold : TimeSpan.Zero);

    [Fact]
    public void Any_text_gives_a_message_or_invalid_never_an_exception() =>
        Gen.String.Check(text => Valid(text), 2000);

    [Fact]
    public void Any_field_values_give_a_message_or_invalid_never_an_exception() =>
        Gen.Select(Gen.String[0, 8], Gen.Long, Gen.Int, Gen.String[0, 30])
            .Check((a, b, c, d) => Valid($"{a}|{b}|{c}|{d}"), 2000);

    /// <summary>True for "invalid" and for a message that holds an http(s) origin and a hold within the cap; throws nothing else.</summary>
    private static bool Valid(string text) =>
        !GateMessage.TryParse(text, out var message)
        || (message.Origin.Scheme is "http" or "https" && message.Hold >= TimeSpan.Zero && message.Hold <= GateMessage.MaxHold);
}
