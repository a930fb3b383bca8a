using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;

namespace StatusAwareHttp.Testing.Tests;

/// <summary>The origin over real sockets: its fields, validators and clock, with a plain client and with the library's.</summary>
public sealed class TestOriginTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_representation_is_answered_with_its_fields_and_the_origins_clock()
    {
        var time = new FakeTimeProvider(Start);
        await using var origin = await TestOrigin.StartAsync(time);
        var representation = TestRepresentation.Json("[1,2]", cacheControl: "max-age=60") with { Vary = "Accept-Language" };
        origin.Map("/items", representation);
        time.Advance(TimeSpan.FromMinutes(5));
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };

        using var response = await client.GetAsync(new Uri("/items", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[1,2]", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Start.AddMinutes(5), response.Headers.Date);
        Assert.Equal(Start, response.Content.Headers.LastModified);
        Assert.Equal(representation.ETag, response.Headers.ETag?.ToString());
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.CacheControl?.MaxAge);
        Assert.Contains("Accept-Language", response.Headers.Vary);
        Assert.Equal("bytes", Assert.Single(response.Headers.AcceptRanges));
        Assert.Equal(1, origin.Count("/items", "GET"));
    }

    [Fact]
    public async Task Changing_the_representation_changes_its_etag_and_last_modified()
    {
        var time = new FakeTimeProvider(Start);
        await using var origin = await TestOrigin.StartAsync(time);
        var route = origin.Map("/doc", TestRepresentation.Text("one"));
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };
        using var first = await client.GetAsync(new Uri("/doc", UriKind.Relative));

        time.Advance(TimeSpan.FromHours(1));
        route.Representation = TestRepresentation.Text("two");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/doc");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(Start.AddHours(1), second.Content.Headers.LastModified);
        Assert.Equal("two", await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_cached_entry_goes_stale_on_the_shared_clock_and_is_revalidated_with_304()
    {
        var time = new FakeTimeProvider(Start);
        await using var origin = await TestOrigin.StartAsync(time);
        var route = origin.Map("/items", TestRepresentation.Json("[1]", cacheControl: "max-age=60"));
        using var client = origin.CreateClient();

        using (var miss = await client.GetAsync(new Uri("/items", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, miss.StatusCode);
        }

        using (var hit = await client.GetAsync(new Uri("/items", UriKind.Relative)))
        {
            Assert.Equal(CacheOutcome.Hit, hit.GetCacheOutcome());
        }

        time.Advance(TimeSpan.FromSeconds(61));
        using var revalidated = await client.GetAsync(new Uri("/items", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
        Assert.Equal(CacheOutcome.Revalidated, revalidated.GetCacheOutcome());
        Assert.Equal("[1]", await revalidated.Content.ReadAsStringAsync());
        Assert.Equal(2, route.Count("GET"));
        Assert.Equal(1, route.CountAnswered(304));
        Assert.Equal(route.Representation!.ETag, route.Requests[1].Header("If-None-Match"));
    }

    [Fact]
    public async Task New_metadata_alone_keeps_the_etag_and_last_modified()
    {
        var time = new FakeTimeProvider(Start);
        await using var origin = await TestOrigin.StartAsync(time);
        var route = origin.Map("/doc", TestRepresentation.Text("same", cacheControl: "max-age=10"));
        var etag = route.Representation!.ETag;

        time.Advance(TimeSpan.FromHours(1));
        route.Representation = route.Representation with { CacheControl = "max-age=99", Headers = new Dictionary<string, string> { ["X-Extra"] = "2" } };
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };
        using var response = await client.GetAsync(new Uri("/doc", UriKind.Relative));

        Assert.Equal(etag, response.Headers.ETag?.ToString());
        Assert.Equal(Start, response.Content.Headers.LastModified);
        Assert.Equal(TimeSpan.FromSeconds(99), response.Headers.CacheControl?.MaxAge);
        Assert.Equal("2", response.Headers.GetValues("X-Extra").Single());
    }

    [Fact]
    public async Task A_using_var_origin_is_stopped_by_the_synchronous_Dispose()
    {
        using var client = new HttpClient();
        Uri address;
        using (var origin = await TestOrigin.StartAsync())
        {
            origin.Map("/a", TestRepresentation.Text("a"));
            address = origin.Url("/a");
            Assert.Equal("a", await client.GetStringAsync(address));
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(address));
    }

}
