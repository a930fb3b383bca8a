using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Tests.Infrastructure;
using static StatusAwareHttp.Tests.Retries.RetryEndToEndTests;

namespace StatusAwareHttp.Tests.Retries;

/// <summary>Retries.GenerateIdempotencyKeys (draft-ietf-httpapi-idempotency-key-header-07) against a real origin on 127.0.0.1.</summary>
public sealed class IdempotencyKeyTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private static TestClient KeyedClient(bool generate = true) => Client(retries: r =>
    {
        r.GenerateIdempotencyKeys = generate;
        r.BaseDelay = TimeSpan.FromMilliseconds(20);
    });

    /// <summary>Answers the request's statuses in turn (then 200); a 307 goes to <c>/next</c>.</summary>
    private static void MapScript(WebApplication app, string path, params int[] statuses)
    {
        var count = 0;
        app.MapPost(path, async (HttpContext c) =>
        {
            var i = Interlocked.Increment(ref count) - 1;
            var status = i < statuses.Length ? statuses[i] : 200;
            c.Response.StatusCode = status;
            if (status == 307)
            {
                c.Response.Headers.Location = "/next";
            }
            else if (status is 422 or 400)
            {
                c.Response.ContentType = "application/problem+json";
                await c.Response.WriteAsync("{\"type\":\"https://example.com/idempotency\",\"title\":\"Idempotency-Key is already used\",\"status\":" + status + "}");
                return;
            }

            await c.Response.WriteAsync("ok");
        });
        app.MapPost("/next", () => "ok");
    }

    private static string[] Keys(LoopbackServer server) => server.Requests.Select(r => r.Header("Idempotency-Key") ?? "").ToArray();

    [Fact]
    public async Task A_generated_key_stays_the_same_across_a_503_retry_and_a_307_hop()
    {
        await using var server = await LoopbackServer.StartAsync(app => MapScript(app, "/pay", 503, 307));
        await using var test = KeyedClient();
        HttpResponseMessage? sent = null;
        var spans = await SpanCapture.SpansOf(async () => sent = await test.Client.PostAsync(server.Url("/pay"), new StringContent("{}")).WaitAsync(s_timeout));
        using var response = sent!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var keys = Keys(server);
        Assert.Equal(3, keys.Length); // 503, 307, then /next
        Assert.Single(keys.Distinct());
        Assert.Matches("^\"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\"$", keys[0]); // §2.1: an sf-string; §2.2: a UUID
        Assert.Equal(keys[0].Trim('"'), spans.Select(a => a.GetTagItem(StatusAwareTracing.IdempotencyKeyTag) as string).FirstOrDefault(v => v is not null));

        // Logged with its first characters only.
        var logged = test.Logs.GetSnapshot().Single(l => l.Id.Id == 316).Message;
        Assert.DoesNotContain(keys[0].Trim('"'), logged);
        Assert.Contains(keys[0].Trim('"')[..8], logged);
    }

    [Fact]
    public async Task Each_call_gets_a_new_key_and_a_callers_own_key_is_kept()
    {
        await using var server = await LoopbackServer.StartAsync(app => MapScript(app, "/pay"));
        await using var test = KeyedClient();

        (await test.Client.PostAsync(server.Url("/pay"), new StringContent("a"))).Dispose();
        (await test.Client.PostAsync(server.Url("/pay"), new StringContent("b"))).Dispose();
        using var own = new HttpRequestMessage(HttpMethod.Post, server.Url("/pay")) { Content = new StringContent("c") };
        own.Headers.Add("Idempotency-Key", "\"mine\"");
        (await test.Client.SendAsync(own)).Dispose();
        (await test.Client.GetAsync(server.Url("/next"))).Dispose(); // GET: no key

        var keys = Keys(server);
        Assert.NotEqual(keys[0], keys[1]);
        Assert.Equal("\"mine\"", keys[2]);
        Assert.Equal("", keys[3]);
    }

    [Fact]
    public async Task A_409_to_a_keyed_POST_is_retried_with_the_same_key()
    {
        await using var server = await LoopbackServer.StartAsync(app => MapScript(app, "/pay", 409, 409));
        await using var test = KeyedClient();

        using var response = await test.Client.PostAsync(server.Url("/pay"), new StringContent("{}")).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, server.CountFor("/pay"));
        Assert.Single(Keys(server).Distinct());
    }

    [Theory]
    [InlineData(422)]
    [InlineData(400)]
    public async Task A_422_or_400_to_a_keyed_POST_is_an_HttpStatusException_with_the_problem(int status)
    {
        await using var server = await LoopbackServer.StartAsync(app => MapScript(app, "/pay", status));
        await using var test = KeyedClient();

        var error = await Assert.ThrowsAsync<HttpStatusException>(() => test.Client.PostAsync(server.Url("/pay"), new StringContent("{}")));

        Assert.Equal((HttpStatusCode)status, error.Status);
        Assert.Equal("Idempotency-Key is already used", error.Problem?.Title);
        Assert.Equal(1, server.CountFor("/pay")); // corrected, not repeated (§2.7)
    }

    [Fact]
    public async Task Without_generated_keys_a_POST_is_not_retried_and_409_or_422_pass_through()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            MapScript(app, "/pay", 503);
            MapScript(app, "/conflict", 409);
        });
        await using var test = KeyedClient(generate: false);

        using var response = await test.Client.PostAsync(server.Url("/pay"), new StringContent("{}"));
        using var conflict = await test.Client.PostAsync(server.Url("/conflict"), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(1, server.CountFor("/pay"));
        Assert.All(Keys(server), k => Assert.Equal("", k));
    }

    [Fact]
    public async Task The_synchronous_Send_keeps_the_key_across_a_retry()
    {
        await using var server = await LoopbackServer.StartAsync(app => MapScript(app, "/pay", 503, 409));
        await using var test = KeyedClient();

        using var response = await Task.Run(() => test.Client.Send(new HttpRequestMessage(HttpMethod.Post, server.Url("/pay")) { Content = new StringContent("{}") })).WaitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, server.CountFor("/pay"));
        Assert.Single(Keys(server).Distinct());
        Assert.NotEqual("", Keys(server)[0]);
    }
}
