// The complete xunit example of docs/testing.md, run against the packed package.
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Testing;
using Xunit;

namespace Orders.Tests;

public sealed class OrdersClientTests
{
    [Fact]
    public async Task A_stored_list_is_revalidated_once_stale_on_the_shared_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var origin = await TestOrigin.StartAsync(time);
        var orders = origin.Map("/orders", TestRepresentation.Json("[1,2]", cacheControl: "max-age=60"));
        using var client = origin.CreateClient();

        using (var first = await client.GetAsync(new Uri("/orders", UriKind.Relative)))
        {
            Assert.Equal(CacheOutcome.Miss, first.GetCacheOutcome());
        }

        using (var second = await client.GetAsync(new Uri("/orders", UriKind.Relative)))
        {
            Assert.Equal(CacheOutcome.Hit, second.GetCacheOutcome());
        }

        time.Advance(TimeSpan.FromSeconds(61));
        using var third = await client.GetAsync(new Uri("/orders", UriKind.Relative));

        Assert.Equal(CacheOutcome.Revalidated, third.GetCacheOutcome());
        Assert.Equal("[1,2]", await third.Content.ReadAsStringAsync());
        Assert.Equal(2, orders.Count("GET"));
        Assert.Equal(orders.Representation!.ETag, orders.Requests[1].Header("If-None-Match"));
    }

    [Fact]
    public async Task Two_503s_are_retried_after_their_Retry_After()
    {
        var clock = new TestClock();
        await using var origin = await TestOrigin.StartAsync(clock);
        var unavailable = TestStep.ServiceUnavailable(retryAfter: TimeSpan.FromSeconds(5)).Times(2);
        var orders = origin.Map("/orders", TestRepresentation.Json("[]")).Script(unavailable);
        var services = new ServiceCollection();
        services.AddTestOriginClient("orders", origin);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("orders");

        var (response, waits) = await clock.DriveAsync(client.GetAsync(new Uri("/orders", UriKind.Relative)));

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], waits);
        Assert.Equal(2, unavailable.Served);
        Assert.Equal([503, 503, 200], orders.Requests.Select(r => r.Status));
    }
}
