using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace StatusAwareHttp.Testing.Tests.Har;

/// <summary>
/// A session recorded live over sockets and replayed from a <see cref="TestOrigin"/> an hour later on fake time: the
/// cache outcomes are the ones it had live, because the dates are rebased; an unmatched request fails the test.
/// </summary>
public sealed class HarReplayTests
{
    private static readonly DateTimeOffset s_start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_session_replayed_an_hour_later_has_the_cache_outcomes_it_had_live()
    {
        var (recording, live) = await RecordAsync();

        var clock = new FakeTimeProvider(s_start.AddHours(1));
        await using var origin = await TestOrigin.StartAsync(clock);
        var replay = origin.Replay(recording);
        var replayed = await RunSessionAsync(origin, clock, changeDocument: null);

        Assert.Equal(
            ["200 Miss ttl=60 v1", "200 Hit ttl=60 v1", "200 Revalidated ttl=60 v1", "200 Hit ttl=60 v1",
             "200 Miss ttl=0 [1,2]", "200 Revalidated ttl=0 [1,2]", "200 Refreshed ttl=60 v2", "200 Hit ttl=60 v2"],
            live);
        Assert.Equal(live, replayed);
        Assert.Equal(TimeSpan.FromHours(1), replay.Shift);
        Assert.Equal(recording.Count, replay.Served);
        Assert.Empty(replay.Unmatched);
        replay.Verify();
    }

    [Fact]
    public async Task Without_rebasing_the_replayed_session_is_stale_where_it_was_fresh()
    {
        var (recording, live) = await RecordAsync();

        var clock = new FakeTimeProvider(s_start.AddHours(1));
        await using var origin = await TestOrigin.StartAsync(clock);
        origin.Replay(recording, startAt: recording.StartedAt);
        var replayed = await RunSessionAsync(origin, clock, changeDocument: null);

        Assert.StartsWith("200 Hit ", live[1], StringComparison.Ordinal);
        Assert.NotEqual(live, replayed);
        Assert.DoesNotContain(" Hit ", replayed[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replayed_response_has_its_dates_on_the_test_clock()
    {
        var (recording, _) = await RecordAsync();
        var clock = new FakeTimeProvider(s_start.AddHours(1));
        await using var origin = await TestOrigin.StartAsync(clock);
        origin.Replay(recording);
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };

        using var response = await client.GetAsync(new Uri("/doc", UriKind.Relative));

        Assert.Equal(s_start.AddHours(1), response.Headers.Date);
        Assert.Equal(s_start.AddHours(1), response.Content.Headers.LastModified); // mapped at the live start
        Assert.Equal("v1", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_conditional_request_no_recorded_304_answers_is_answered_by_the_validators()
    {
        var recording = HarRecording.Parse(Encoding.UTF8.GetBytes(HarSamples.Chrome)); // one 200, ETag "v1", no Last-Modified
        var clock = new FakeTimeProvider(s_start);
        await using var origin = await TestOrigin.StartAsync(clock);
        origin.Replay(recording);
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };

        using var first = await client.GetAsync(new Uri("/items?sort=name&page=2", UriKind.Relative));
        using var matching = await SendAsync(client, "/items?page=2&sort=name", r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"v1\"")));
        using var other = await SendAsync(client, "/items?page=2&sort=name", r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"v0\"")));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("{\"items\":[1,2]}", await first.Content.ReadAsStringAsync()); // base64 in the file, decoded on the wire
        Assert.Equal(HttpStatusCode.NotModified, matching.StatusCode);
        Assert.Equal("\"v1\"", matching.Headers.ETag?.ToString());
        Assert.Equal(TimeSpan.FromSeconds(60), matching.Headers.CacheControl?.MaxAge);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task If_modified_since_is_compared_with_the_rebased_last_modified()
    {
        var (recording, _) = await RecordAsync();
        var clock = new FakeTimeProvider(s_start.AddDays(3));
        await using var origin = await TestOrigin.StartAsync(clock);
        origin.Replay(recording);
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };
        var rebased = s_start.AddDays(3); // Last-Modified was the live start

        using var sinceRebased = await SendAsync(client, "/list?page=1", r => r.Headers.IfModifiedSince = rebased);
        using var sinceRecorded = await SendAsync(client, "/list?page=1", r => r.Headers.IfModifiedSince = s_start);

        Assert.Equal(HttpStatusCode.NotModified, sinceRebased.StatusCode); // the recorded conditional request's 304, in order
        Assert.Equal(HttpStatusCode.OK, sinceRecorded.StatusCode); // by validators: modified after the recorded date
    }

    [Fact]
    public async Task An_unmatched_request_is_answered_501_naming_the_closest_recorded_request_and_fails_verify_and_dispose()
    {
        var (recording, _) = await RecordAsync();
        var clock = new FakeTimeProvider(s_start.AddHours(1));
        var origin = await TestOrigin.StartAsync(clock);
        var replay = origin.Replay(recording);
        using var client = origin.CreateClient();

        using var response = await client.GetAsync(new Uri("/list?page=3", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Contains("no recorded request matches GET /list?page=3: closest recorded request #", body, StringComparison.Ordinal);
        Assert.Contains("GET /list?page=1 (query +page=3 -page=1", body, StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var verify = Assert.Throws<HarReplayException>(replay.Verify);
        Assert.Contains("GET /list?page=3: closest recorded request", Assert.Single(verify.Unmatched), StringComparison.Ordinal);

        using var again = await client.GetAsync(new Uri("/lists?page=1", UriKind.Relative));
        var disposed = await Assert.ThrowsAsync<HarReplayException>(() => origin.DisposeAsync().AsTask());
        Assert.Equal(2, disposed.Unmatched.Count);
        Assert.Contains("GET /lists?page=1: closest recorded request", disposed.Message, StringComparison.Ordinal);
        Assert.Contains("path /lists, recorded /list", disposed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declared_route_answers_its_path_before_the_recording()
    {
        var (recording, _) = await RecordAsync();
        var clock = new FakeTimeProvider(s_start);
        await using var origin = await TestOrigin.StartAsync(clock);
        var replay = origin.Replay(recording);
        origin.Map("/doc", TestRepresentation.Text("declared"));
        using var client = new HttpClient { BaseAddress = origin.BaseAddress };

        Assert.Equal("declared", await client.GetStringAsync(new Uri("/doc", UriKind.Relative)));
        Assert.Equal("[1,2]", await client.GetStringAsync(new Uri("/list?page=1", UriKind.Relative)));
        Assert.Equal(1, replay.Served);
    }

    [Fact]
    public async Task A_redirect_to_the_recorded_origin_leads_to_the_replaying_origin()
    {
        var clock = new FakeTimeProvider(s_start);
        var recorder = new HarRecorder(new HarRecorderOptions { TimeProvider = clock });
        Uri? live = null;
        await using (var origin = await LiveOrigin.StartAsync(clock, async c =>
        {
            if (c.Request.Path == "/old")
            {
                c.Response.StatusCode = 301;
                c.Response.Headers.Location = new Uri(live!, "/new?x=1").AbsoluteUri; // absolute, on the live origin's port
                return;
            }

            await c.Response.WriteAsync("new");
        }))
        {
            live = origin.BaseAddress;
            using var recording = new HttpClient(StatusAwareHttpHandler.Create(
                recorder.CreateHandler(new SocketsHttpHandler()), services: new StatusAwareHttpHandlerServices { TimeProvider = clock }));
            Assert.Equal("new", await recording.GetStringAsync(new Uri(origin.BaseAddress, "/old")));
        }

        await using var replaying = await TestOrigin.StartAsync(clock);
        var replay = replaying.Replay(recorder.ToRecording());
        using var client = replaying.CreateClient();

        Assert.Equal("new", await client.GetStringAsync(new Uri("/old", UriKind.Relative)));
        Assert.Equal(2, replay.Served);
        Assert.Equal(["/old", "/new?x=1"], replaying.Requests.Select(r => r.Target));
    }

    /// <summary>The live session, recorded: a Kestrel origin (TestOrigin) and a factory client on one fake clock.</summary>
    private static async Task<(HarRecording Recording, List<string> Outcomes)> RecordAsync()
    {
        var clock = new FakeTimeProvider(s_start);
        await using var origin = await TestOrigin.StartAsync(clock);
        origin.Map("/doc", TestRepresentation.Text("v1", cacheControl: "max-age=60"));
        origin.Map("/list", TestRepresentation.Json("[1,2]", cacheControl: "no-cache"));
        var recorder = new HarRecorder(new HarRecorderOptions { TimeProvider = clock });
        var outcomes = await RunSessionAsync(
            origin, clock, () => origin.Map("/doc", TestRepresentation.Text("v2", cacheControl: "max-age=60")), recorder);
        var path = Path.Combine(Path.GetTempPath(), $"har-{Guid.NewGuid():N}.har");
        try
        {
            recorder.Save(path);
            return (HarRecording.Load(path), outcomes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Miss, hit, revalidated, hit; a no-cache list revalidated; a changed document refreshed. One line per response.</summary>
    private static async Task<List<string>> RunSessionAsync(TestOrigin origin, FakeTimeProvider clock, Action? changeDocument, HarRecorder? recorder = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddTestOriginClient("api", origin);
        if (recorder is not null)
        {
            builder.AddHttpMessageHandler(() => recorder.CreateHandler());
        }

        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        var outcomes = new List<string>();
        async Task Get(string target)
        {
            using var response = await client.GetAsync(new Uri(target, UriKind.Relative));
            var status = response.GetCacheStatus();
            outcomes.Add($"{(int)response.StatusCode} {response.GetCacheOutcome()}{(status?.TimeToLive is { } ttl ? $" ttl={ttl.TotalSeconds}" : "")} {await response.Content.ReadAsStringAsync()}");
        }

        await Get("/doc");
        await Get("/doc");
        clock.Advance(TimeSpan.FromSeconds(90));
        await Get("/doc");
        await Get("/doc");
        await Get("/list?page=1");
        clock.Advance(TimeSpan.FromSeconds(10));
        await Get("/list?page=1");
        changeDocument?.Invoke();
        clock.Advance(TimeSpan.FromHours(2));
        await Get("/doc");
        await Get("/doc");
        return outcomes;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string target, Action<HttpRequestMessage> change)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target, UriKind.Relative));
        change(request);
        return await client.SendAsync(request);
    }
}
