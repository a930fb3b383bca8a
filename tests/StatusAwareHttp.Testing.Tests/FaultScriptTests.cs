using System.Net;

namespace StatusAwareHttp.Testing.Tests;

/// <summary>The fault scripts over real sockets, each step counted, with the library's client on the origin's clock.</summary>
public sealed class FaultScriptTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Two_503s_with_Retry_After_5_then_200_are_retried_after_5_seconds_each()
    {
        var time = new TestClock();
        await using var origin = await TestOrigin.StartAsync(time);
        var unavailable = TestStep.ServiceUnavailable(retryAfter: TimeSpan.FromSeconds(5)).Times(2);
        var route = origin.Map("/orders", TestRepresentation.Json("[]")).Script(unavailable);
        using var client = origin.CreateClient();

        var (response, waits) = await time.DriveAsync(client.GetAsync(new Uri("/orders", UriKind.Relative)));

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], waits);
        Assert.Equal(2, unavailable.Served);
        Assert.Equal(3, route.Count("GET"));
        Assert.Equal(2, route.CountAnswered(503));
        Assert.Equal(1, route.CountAnswered(200));
        Assert.Equal([503, 503, 200], route.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task A_429_with_an_exhausted_quota_makes_the_client_wait_for_the_quota_reset()
    {
        var time = new TestClock();
        await using var origin = await TestOrigin.StartAsync(time);
        var limited = TestStep.TooManyRequests().WithRateLimit(quota: 10, remaining: 0, reset: TimeSpan.FromSeconds(7), window: TimeSpan.FromSeconds(60));
        var route = origin.Map("/search", TestRepresentation.Json("{}")).Script(limited);
        using var client = origin.CreateClient();

        var (response, waits) = await time.DriveAsync(client.GetAsync(new Uri("/search", UriKind.Relative)));

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("\"default\";r=0;t=7", limited.Headers["RateLimit"]);
        Assert.Equal("\"default\";q=10;w=60", limited.Headers["RateLimit-Policy"]);
        Assert.Equal(1, limited.Served);
        Assert.Equal([429, 200], route.Requests.Select(r => r.Status));
        Assert.Contains(TimeSpan.FromSeconds(7), waits);
    }

    [Fact]
    public async Task A_cut_after_n_bytes_sends_the_header_and_n_bytes_then_closes_the_connection()
    {
        await using var origin = await TestOrigin.StartAsync();
        var cut = TestStep.CutAfter(10);
        var route = origin.Map("/file", TestRepresentation.Bytes(new byte[1000])).Script(cut);
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };

        using var response = await client.GetAsync(new Uri("/file", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(1000, response.Content.Headers.ContentLength);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[2000];
        var read = 0;
        var error = await Record.ExceptionAsync(async () =>
        {
            int n;
            while ((n = await body.ReadAsync(buffer.AsMemory(read))) > 0)
            {
                read += n;
            }
        });

        Assert.IsAssignableFrom<IOException>(error);
        Assert.Equal(10, read);
        Assert.Equal(1, cut.Served);

        // The script is done: the next request gets the whole body.
        Assert.Equal(1000, (await client.GetByteArrayAsync(new Uri("/file", UriKind.Relative))).Length);
        Assert.Equal(2, route.Count());
    }

    [Fact]
    public async Task A_held_response_waits_until_released()
    {
        await using var origin = await TestOrigin.StartAsync();
        var hold = new TestHold();
        var route = origin.Map("/slow", TestRepresentation.Text("done")).Script(TestStep.Hold(hold));
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };

        var request = client.GetStringAsync(new Uri("/slow", UriKind.Relative));
        await hold.WaitUntilHeldAsync().WaitAsync(s_timeout);
        await Task.Delay(50);

        Assert.False(request.IsCompleted);
        Assert.Equal(1, hold.Held);
        Assert.Equal(0, route.Requests[0].Status);

        hold.Release();

        Assert.Equal("done", await request.WaitAsync(s_timeout));
        Assert.Equal(200, route.Requests[0].Status);
    }

    [Fact]
    public async Task A_redirect_chain_is_followed_hop_by_hop()
    {
        await using var origin = await TestOrigin.StartAsync();
        var hops = origin.MapRedirectChain("/start", "/final", hops: 3);
        origin.Map("/final", TestRepresentation.Text("here"));
        using var client = origin.CreateClient();

        using var response = await client.GetAsync(new Uri("/start", UriKind.Relative));

        Assert.Equal("here", await response.Content.ReadAsStringAsync());
        Assert.Equal(["/start", "/start/1", "/start/2"], hops.Select(h => h.Path));
        Assert.All(hops, hop => Assert.Equal(1, hop.CountAnswered(302)));
        Assert.Equal(["/start", "/start/1", "/start/2", "/final"], origin.Requests.Select(r => r.Path));
    }

    [Theory]
    [InlineData("SHA-256")]
    [InlineData("MD5")]
    [InlineData("SHA-256-sess")]
    public async Task A_Digest_challenge_is_answered_by_the_librarys_client_and_verified_by_the_origin(string algorithm)
    {
        await using var origin = await TestOrigin.StartAsync();
        var route = origin.Map("/private", TestRepresentation.Text("secret")).RequireDigest("ann", "pa55", algorithm: algorithm);
        using var client = origin.CreateClient(o => o.Authentication.Credentials = new NetworkCredential("ann", "pa55"));

        using var response = await client.GetAsync(new Uri("/private?x=1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("secret", await response.Content.ReadAsStringAsync());
        Assert.Equal([401, 200], route.Requests.Select(r => r.Status));
        Assert.StartsWith("Digest ", route.Requests[1].Header("Authorization"), StringComparison.Ordinal);
        Assert.Contains("uri=\"/private?x=1\"", route.Requests[1].Header("Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_Digest_password_is_refused()
    {
        await using var origin = await TestOrigin.StartAsync();
        var route = origin.Map("/private", TestRepresentation.Text("secret")).RequireDigest("ann", "pa55");
        using var client = origin.CreateClient(o => o.Authentication.Credentials = new NetworkCredential("ann", "wrong"));

        using var response = await client.GetAsync(new Uri("/private", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, route.CountAnswered(200));
        Assert.True(route.CountAnswered(401) >= 2);
    }
}
