using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>The Cache-Status values (RFC 9211) and the remembering of the repeated ones.</summary>
public class CacheStatusTests
{
    [Theory]
    [InlineData("uri-miss", 200, null, null, "StatusAwareHttp; fwd=uri-miss; fwd-status=200")]
    [InlineData("uri-miss", 200, 86400L, null, "StatusAwareHttp; fwd=uri-miss; fwd-status=200; ttl=86400")]
    [InlineData("stale", 404, null, "too-large", "StatusAwareHttp; fwd=stale; fwd-status=404; detail=too-large")]
    [InlineData("request", 304, -5L, null, "StatusAwareHttp; fwd=request; fwd-status=304; ttl=-5")]
    public void Forward_values_are_the_same_built_or_remembered(string reason, int status, long? ttl, string? detail, string expected)
    {
        var cacheStatus = new CacheStatus("StatusAwareHttp");
        TimeSpan? timeToLive = ttl is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

        var first = cacheStatus.Forward(reason, status, timeToLive, detail: detail);
        var second = cacheStatus.Forward(reason, status, timeToLive, detail: detail);

        Assert.Equal(expected, first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Forward_values_that_differ_are_not_confused()
    {
        var cacheStatus = new CacheStatus("c");
        Assert.Equal("c; fwd=uri-miss; fwd-status=200", cacheStatus.Forward("uri-miss", 200));
        Assert.Equal("c; fwd=vary-miss; fwd-status=200", cacheStatus.Forward("vary-miss", 200));
        Assert.Equal("c; fwd=uri-miss; fwd-status=404", cacheStatus.Forward("uri-miss", 404));
        Assert.Equal("c; fwd=uri-miss; fwd-status=200; ttl=60", cacheStatus.Forward("uri-miss", 200, TimeSpan.FromSeconds(60)));
        Assert.Equal("c; fwd=uri-miss; fwd-status=200; collapsed", cacheStatus.Forward("uri-miss", 200, collapsed: true));
        Assert.Equal("c; fwd=uri-miss; fwd-status=200; stored", cacheStatus.Forward("uri-miss", 200, stored: true));
        Assert.Equal("c; fwd=uri-miss", cacheStatus.Forward("uri-miss", null));
        Assert.Equal("c; fwd=uri-miss; fwd-status=200", cacheStatus.Forward("uri-miss", 200));
    }

    [Fact]
    public void Past_the_remembered_limit_values_are_still_right()
    {
        var cacheStatus = new CacheStatus("c");
        for (var ttl = 0; ttl < CacheStatus.MaxRemembered + 10; ttl++)
        {
            Assert.Equal($"c; fwd=uri-miss; fwd-status=200; ttl={ttl}", cacheStatus.Forward("uri-miss", 200, TimeSpan.FromSeconds(ttl)));
        }

        Assert.Equal("c; fwd=uri-miss; fwd-status=200; ttl=999999", cacheStatus.Forward("uri-miss", 200, TimeSpan.FromSeconds(999999)));
    }

    [Fact]
    public async Task An_in_flight_request_declined_before_anyone_waits_still_answers_its_waiters()
    {
        var flight = new InFlightRequest();
        flight.Decline();
        Assert.Null(await flight.Response);
        Assert.Null(await flight.Response);
    }

    [Fact]
    public async Task An_in_flight_request_declined_while_waited_on_wakes_the_waiters_once()
    {
        var flight = new InFlightRequest();
        var waiting = flight.Response;
        Assert.False(waiting.IsCompleted);
        Assert.Same(waiting, flight.Response);

        flight.Decline();
        flight.Decline();
        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
