using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace StatusAwareHttp.Testing.Tests.Har;

/// <summary>Recording a session over real sockets: what reached the origin, as it answered, with credentials left out.</summary>
public sealed class HarRecorderTests
{
    private static readonly DateTimeOffset s_start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_factory_client_records_the_wire_its_304s_and_not_its_cache_hits()
    {
        var clock = new FakeTimeProvider(s_start);
        await using var origin = await LiveOrigin.StartAsync(clock);
        var recorder = new HarRecorder(new HarRecorderOptions { TimeProvider = clock });
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddHttpClient("api", c => c.BaseAddress = origin.BaseAddress)
            .AddStatusHandling()
            .AddHttpMessageHandler(() => recorder.CreateHandler());
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        Assert.Equal("0123456789", await client.GetStringAsync("doc"));   // miss: 200 from the origin
        Assert.Equal("0123456789", await client.GetStringAsync("doc"));   // hit: nothing on the wire
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("0123456789", await client.GetStringAsync("doc"));   // stale: revalidated, 304 on the wire

        var recording = recorder.ToRecording();
        Assert.Equal(2, recording.Count);
        var (first, second) = (recording.Exchanges[0], recording.Exchanges[1]);
        Assert.Equal(200, first.Status);
        Assert.Equal(s_start, first.Started);
        Assert.Null(first.RequestHeader("If-None-Match"));
        Assert.Equal(304, second.Status);
        Assert.Equal("\"v1\"", second.RequestHeader("If-None-Match"));
        Assert.Equal(s_start.AddMinutes(2), second.Started);
        Assert.Equal(s_start.AddMinutes(2).ToString("r"), second.ResponseHeader("Date"));
        Assert.Null(first.ResponseHeader("Cache-Status")); // the origin's answer, not the cache's
    }

    [Fact]
    public async Task A_client_without_dependency_injection_records_its_range_requests_as_the_origin_answered()
    {
        var clock = new FakeTimeProvider(s_start);
        await using var origin = await LiveOrigin.StartAsync(clock);
        var recorder = new HarRecorder(new HarRecorderOptions { TimeProvider = clock });
        using var client = new HttpClient(StatusAwareHttpHandler.Create(
            recorder.CreateHandler(new SocketsHttpHandler()), services: new StatusAwareHttpHandlerServices { TimeProvider = clock }))
        {
            BaseAddress = origin.BaseAddress,
        };

        using var request = new HttpRequestMessage(HttpMethod.Get, "doc");
        request.Headers.Range = new RangeHeaderValue(0, 3);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("0123", await response.Content.ReadAsStringAsync()); // the body still reaches the caller
        var entry = Assert.Single(recorder.ToRecording().Exchanges);
        Assert.Equal(206, entry.Status);
        Assert.Equal("bytes=0-3", entry.RequestHeader("Range"));
        Assert.Equal("bytes 0-3/10", entry.ResponseHeader("Content-Range"));
        Assert.Equal("0123", Encoding.UTF8.GetString(entry.ResponseBody));
    }

    [Fact]
    public async Task The_synchronous_Send_is_recorded_as_SendAsync_is_and_both_bodies_still_reach_their_readers()
    {
        var clock = new FakeTimeProvider(s_start);
        await using var origin = await LiveOrigin.StartAsync(clock);
        var recorder = new HarRecorder(new HarRecorderOptions { TimeProvider = clock });
        using var client = new HttpClient(StatusAwareHttpHandler.Create(
            recorder.CreateHandler(new SocketsHttpHandler()), services: new StatusAwareHttpHandlerServices { TimeProvider = clock }))
        {
            BaseAddress = origin.BaseAddress,
        };

        using var ranged = new HttpRequestMessage(HttpMethod.Get, "doc");
        ranged.Headers.Range = new RangeHeaderValue(0, 3);
        using var response = client.Send(ranged);
        using var posted = new HttpRequestMessage(HttpMethod.Post, "doc") { Content = new StreamContent(new MemoryStream("posted"u8.ToArray())) };
        using var answer = client.Send(posted);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("0123", await response.Content.ReadAsStringAsync());
        var exchanges = recorder.ToRecording().Exchanges;
        Assert.Equal(2, exchanges.Count);
        Assert.Equal(206, exchanges[0].Status);
        Assert.Equal("bytes=0-3", exchanges[0].RequestHeader("Range"));
        Assert.Equal("0123", Encoding.UTF8.GetString(exchanges[0].ResponseBody));
        Assert.Equal("POST", exchanges[1].Method);
        Assert.Equal("posted", Encoding.UTF8.GetString(exchanges[1].RequestBody!));
        Assert.Equal((int)answer.StatusCode, exchanges[1].Status);
    }

    [Fact]
    public async Task Each_retry_is_recorded_as_the_origin_answered_it()
    {
        var clock = new TestClock(s_start);
        await using var origin = await TestOrigin.StartAsync(clock);
        origin.Map("/flaky", TestRepresentation.Text("ok")).Script(TestStep.ServiceUnavailable(TimeSpan.FromSeconds(5)).Times(2));
        var recorder = new HarRecorder(new HarRecorderOptions { TimeProvider = clock });
        using var client = new HttpClient(StatusAwareHttpHandler.Create(
            recorder.CreateHandler(new SocketsHttpHandler()), services: new StatusAwareHttpHandlerServices { TimeProvider = clock }))
        {
            BaseAddress = origin.BaseAddress,
        };

        var (body, waits) = await clock.DriveAsync(client.GetStringAsync(new Uri("/flaky", UriKind.Relative)));

        Assert.Equal("ok", body);
        Assert.Equal([503, 503, 200], recorder.ToRecording().Exchanges.Select(e => e.Status));
        Assert.Equal(["5", "5", null], recorder.ToRecording().Exchanges.Select(e => e.ResponseHeader("Retry-After")));
        Assert.Equal([s_start, s_start.AddSeconds(5), s_start.AddSeconds(10)], recorder.ToRecording().Exchanges.Select(e => e.Started));
        Assert.NotEmpty(waits);
    }

    [Fact]
    public async Task Credentials_never_reach_the_file()
    {
        var clock = new FakeTimeProvider(s_start);
        await using var origin = await LiveOrigin.StartAsync(clock);
        var recorder = new HarRecorder(new HarRecorderOptions { TimeProvider = clock });
        using var client = new HttpClient(StatusAwareHttpHandler.Create(
            recorder.CreateHandler(new SocketsHttpHandler { UseCookies = false }), services: new StatusAwareHttpHandlerServices { TimeProvider = clock }));
        var url = new UriBuilder(origin.BaseAddress) { UserName = "user", Password = "SECRET-USERINFO", Path = "/doc", Query = "page=1&access_token=SECRET-QUERY&Api_Key=SECRET-KEY" }.Uri;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "SECRET-BEARER");
        request.Headers.Add("Cookie", "sid=SECRET-COOKIE");
        request.Headers.Add("Proxy-Authorization", "Basic SECRET-PROXY");
        request.Headers.Add("X-Api-Key", "SECRET-API-KEY");

        using var response = await client.SendAsync(request);
        var path = Path.Combine(Path.GetTempPath(), $"har-{Guid.NewGuid():N}.har");
        try
        {
            recorder.Save(path);
            var file = await File.ReadAllTextAsync(path);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("SECRET", file, StringComparison.Ordinal);
            foreach (var name in new[] { "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key" })
            {
                Assert.DoesNotContain($"\"name\": \"{name}\"", file, StringComparison.OrdinalIgnoreCase);
            }

            var entry = Assert.Single(HarRecording.Load(path).Exchanges);
            Assert.Equal("/doc?page=1&access_token=REDACTED&Api_Key=REDACTED", entry.Url.PathAndQuery);
            Assert.Equal("{}", Encoding.UTF8.GetString(entry.RequestBody!));
            Assert.Equal("/done?state=1&code=2&access_token=REDACTED#token=REDACTED&x=1", entry.ResponseHeader("Location"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_request_that_gets_no_response_is_recorded_with_status_0_and_not_replayed()
    {
        var clock = new FakeTimeProvider(s_start);
        var recorder = new HarRecorder(new HarRecorderOptions { TimeProvider = clock });
        using var client = new HttpClient(recorder.CreateHandler(new SocketsHttpHandler()));
        await using (var origin = await LiveOrigin.StartAsync(clock, c => { c.Abort(); return Task.CompletedTask; }))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(origin.BaseAddress, "gone")));
        }

        Assert.Equal(1, recorder.Count);
        Assert.Equal(0, recorder.ToRecording().Count);
    }
}
