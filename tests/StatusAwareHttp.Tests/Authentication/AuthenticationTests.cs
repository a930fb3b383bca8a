using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Authentication;

public sealed class AuthenticationTests
{
    private static readonly NetworkCredential s_alice = new("alice", "wonderland");

    [Theory]
    [InlineData("SHA-256")]
    [InlineData("SHA-512-256")]
    [InlineData("MD5")]
    [InlineData("SHA-256-sess")]
    [InlineData("SHA-512-256-sess")]
    [InlineData("MD5-sess")]
    public async Task DigestAnswersEachAlgorithm(string algorithm)
    {
        var digest = new ScriptedDigestServer(algorithm, "alice", "wonderland");
        await using var server = await LoopbackServer.StartAsync(app => digest.Map(app, "/digest"));
        await using var test = TestClient.Create(o => o.Authentication.Credentials = s_alice);

        using var response = await test.Client.GetAsync(server.Url("/digest?page=1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("digest ok", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, server.CountFor("/digest"));
        var answer = Assert.Single(digest.Answers);
        Assert.Equal(algorithm, answer["algorithm"]);
        Assert.Equal("00000001", answer["nc"]);
        Assert.Equal("opaque-value", answer["opaque"]);
    }

    [Fact]
    public async Task DigestIsPreferredToBasicAndTheStrongestAlgorithmWins()
    {
        string? authorization = null;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/both", (HttpContext c) =>
        {
            authorization = c.Request.Headers.Authorization.ToString();
            if (authorization.Length > 0)
            {
                return Results.Text("in");
            }

            // RFC 7616 §3.7: several challenges, one per algorithm; RFC 9110 §11.6.1: pick the strongest understood.
            c.Response.Headers.Append("WWW-Authenticate", "Basic realm=\"r\", Digest realm=\"r\", nonce=\"a\", algorithm=MD5, qop=\"auth\"");
            c.Response.Headers.Append("WWW-Authenticate", "Digest realm=\"r\", nonce=\"b\", algorithm=SHA-256, qop=\"auth\", Digest realm=\"r\", nonce=\"c\", algorithm=SHA-1");
            return Results.StatusCode(401);
        }));
        await using var test = TestClient.Create(o => o.Authentication.Credentials = s_alice);

        using var response = await test.Client.GetAsync(server.Url("/both"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("Digest ", authorization, StringComparison.Ordinal);
        Assert.Contains("algorithm=SHA-256", authorization, StringComparison.Ordinal);
        Assert.Contains("nonce=\"b\"", authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaleNonceIsAnsweredWithTheNewNonce()
    {
        var digest = new ScriptedDigestServer("SHA-256", "alice", "wonderland", staleFirstNonce: true);
        await using var server = await LoopbackServer.StartAsync(app => digest.Map(app, "/digest"));
        await using var test = TestClient.Create(o => o.Authentication.Credentials = s_alice);

        using var response = await test.Client.GetAsync(server.Url("/digest"));

        // challenge (nonce-1) -> answer -> stale=true (nonce-2) -> answer with nonce-2, nc back to 1 -> 200.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, server.CountFor("/digest"));
        Assert.Equal(["nonce-1", "nonce-2"], digest.Answers.Select(a => a["nonce"]));
        Assert.All(digest.Answers, a => Assert.Equal("00000001", a["nc"]));
    }

    [Theory]
    [InlineData("SHA-256")]
    [InlineData("MD5")]
    public async Task AWrongDigestPasswordEndsInOne401(string algorithm)
    {
        var digest = new ScriptedDigestServer(algorithm, "alice", "wonderland");
        await using var server = await LoopbackServer.StartAsync(app => digest.Map(app, "/digest"));
        await using var test = TestClient.Create(o => o.Authentication.Credentials = new NetworkCredential("alice", "wrong"));

        using var response = await test.Client.GetAsync(server.Url("/digest"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, server.CountFor("/digest"));
        Assert.Contains(test.Logs.GetSnapshot(), r => r.Id.Id == 451);
    }

    [Fact]
    public async Task NonceCountsGoUpOnLaterRequests()
    {
        var digest = new ScriptedDigestServer("SHA-256", "alice", "wonderland");
        await using var server = await LoopbackServer.StartAsync(app => digest.Map(app, "/digest"));
        await using var test = TestClient.Create(o => o.Authentication.Credentials = s_alice);

        for (var i = 0; i < 3; i++)
        {
            using var response = await test.Client.GetAsync(server.Url("/digest"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // One challenge, then the same nonce with nc 1, 2, 3 and no further round trips.
        Assert.Equal(4, server.CountFor("/digest"));
        Assert.Equal(["00000001", "00000002", "00000003"], digest.Answers.Select(a => a["nc"]));
        Assert.Single(digest.Answers.Select(a => a["nonce"]).Distinct());
        Assert.Single(digest.Answers.Select(a => a["cnonce"]).Distinct());
    }

    [Fact]
    public async Task BasicAnswersOverLoopbackHttp()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/basic/page", BasicEndpoint("alice", "wonderland")));
        await using var test = TestClient.Create(o => o.Authentication.Credentials = s_alice);

        using var response = await test.Client.GetAsync(server.Url("/basic/page"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.Null(server.Requests[0].Header("Authorization"));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:wonderland")), server.Requests[1].Header("Authorization"));
    }

    [Fact]
    public async Task BasicIsSentBeforehandBelowTheSamePath()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/basic/a", BasicEndpoint("alice", "wonderland"));
            app.MapGet("/basic/deeper/b", BasicEndpoint("alice", "wonderland"));
            app.MapGet("/other", BasicEndpoint("alice", "wonderland"));
        });
        await using var test = TestClient.Create(o => o.Authentication.Credentials = s_alice);

        (await test.Client.GetAsync(server.Url("/basic/a"))).Dispose();
        using var deeper = await test.Client.GetAsync(server.Url("/basic/deeper/b"));
        using var other = await test.Client.GetAsync(server.Url("/other"));

        // RFC 7617 §2.2: /basic/deeper/b is below /basic/, so no second challenge; /other is not.
        Assert.Equal(HttpStatusCode.OK, deeper.StatusCode);
        Assert.Equal(1, server.CountFor("/basic/deeper/b"));
        Assert.Equal(2, server.CountFor("/other"));
    }

    [Fact]
    public async Task AWrongBasicPasswordEndsInOne401()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/basic", BasicEndpoint("alice", "wonderland")));
        await using var test = TestClient.Create(o => o.Authentication.Credentials = new NetworkCredential("alice", "wrong"));

        using var response = await test.Client.GetAsync(server.Url("/basic"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, server.CountFor("/basic"));

        // A later request starts from the challenge again (nothing wrong is remembered) and also ends in one 401.
        using var again = await test.Client.GetAsync(server.Url("/basic"));
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal(4, server.CountFor("/basic"));
    }

    [Fact]
    public async Task BasicIsRefusedOverPlainHttpToANonLoopbackHost()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/basic", BasicEndpoint("alice", "wonderland")));
        await using var test = TestClient.Create(
            o => o.Authentication.Credentials = s_alice,
            builder => builder.ConfigurePrimaryHttpMessageHandler(() => RoutedTo(server)));

        // api.example.test is not the loopback: the connection goes to the loopback server, the URI says otherwise.
        using var response = await test.Client.GetAsync($"http://api.example.test:{server.BaseAddress.Port}/basic");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, server.CountFor("/basic"));
        Assert.All(server.Requests, r => Assert.Null(r.Header("Authorization")));
        Assert.Contains(test.Logs.GetSnapshot(), r => r.Id.Id == 452);
    }

    [Fact]
    public async Task BasicOverPlainHttpIsSentWhenTheUserOptsIn()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/basic", BasicEndpoint("alice", "wonderland")));
        await using var test = TestClient.Create(
            o =>
            {
                o.Authentication.Credentials = s_alice;
                o.Authentication.AllowBasicOverHttp = true;
            },
            builder => builder.ConfigurePrimaryHttpMessageHandler(() => RoutedTo(server)));

        using var response = await test.Client.GetAsync($"http://api.example.test:{server.BaseAddress.Port}/basic");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DigestIsAnsweredOverPlainHttpToANonLoopbackHost()
    {
        // Digest never sends the password, so the http rule of Basic does not apply to it.
        var digest = new ScriptedDigestServer("SHA-256", "alice", "wonderland");
        await using var server = await LoopbackServer.StartAsync(app => digest.Map(app, "/digest"));
        await using var test = TestClient.Create(
            o => o.Authentication.Credentials = s_alice,
            builder => builder.ConfigurePrimaryHttpMessageHandler(() => RoutedTo(server)));

        using var response = await test.Client.GetAsync($"http://api.example.test:{server.BaseAddress.Port}/digest");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task CredentialsNeverGoToAnotherOriginARedirectLedTo()
    {
        await using var other = await LoopbackServer.StartAsync(app => app.MapGet("/elsewhere", BasicEndpoint("alice", "wonderland")));
        await using var origin = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/start", BasicEndpoint("alice", "wonderland", then: c => Results.Redirect(other.Url("/elsewhere").ToString())));
        });
        await using var test = TestClient.Create(o => o.Authentication.Credentials = s_alice);

        using var response = await test.Client.GetAsync(origin.Url("/start"));

        // The origin got its answer; the other origin asked too but got nothing, and its 401 came back.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(other.Url("/elsewhere"), response.RequestMessage!.RequestUri);
        Assert.NotNull(origin.Requests[1].Header("Authorization"));
        Assert.Equal(1, other.CountFor("/elsewhere"));
        Assert.All(other.Requests, r => Assert.Null(r.Header("Authorization")));
        Assert.Contains(test.Logs.GetSnapshot(), r => r.Id.Id == 453);
    }

    [Fact]
    public async Task ASameOriginRedirectKeepsTheAnswer()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/start", BasicEndpoint("alice", "wonderland", then: _ => Results.Redirect("/next")));
            app.MapGet("/next", BasicEndpoint("alice", "wonderland"));
        });
        await using var test = TestClient.Create(o => o.Authentication.Credentials = s_alice);

        using var response = await test.Client.GetAsync(server.Url("/start"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, server.CountFor("/next"));
    }

    [Fact]
    public async Task TheCallersOwnAuthorizationIsLeftAlone()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/basic", BasicEndpoint("alice", "wonderland")));
        await using var test = TestClient.Create(o => o.Authentication.Credentials = s_alice);

        using var request = new HttpRequestMessage(HttpMethod.Get, server.Url("/basic"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("bob:builder")));
        using var response = await test.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, server.CountFor("/basic"));
    }

    [Fact]
    public async Task AOneShotBodyHandsThe401Back()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/upload", (HttpContext c) =>
        {
            c.Response.Headers.WWWAuthenticate = "Basic realm=\"r\"";
            return Results.StatusCode(401);
        }));
        await using var test = TestClient.Create(o => o.Authentication.Credentials = s_alice);

        using var response = await test.Client.PostAsync(server.Url("/upload"), new StreamContent(new MemoryStream([1, 2, 3])));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, server.CountFor("/upload"));
        Assert.Contains(test.Logs.GetSnapshot(), r => r.Id.Id == 454);
    }

    [Fact]
    public async Task ACustomAuthenticatorAnswersItsScheme()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/custom", (HttpContext c) =>
        {
            if (c.Request.Headers.Authorization == "Token key=\"k-42\"")
            {
                return Results.Text("custom ok");
            }

            c.Response.Headers.WWWAuthenticate = "Token realm=\"api\", key_id=\"42\"";
            return Results.StatusCode(401);
        }));
        var authenticator = new TokenAuthenticator();
        await using var test = TestClient.Create(o => o.Authentication.Authenticator = authenticator);

        using var response = await test.Client.PostAsync(server.Url("/custom"), new StringContent("payload"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("payload", server.Requests[1].BodyText); // the body went again, whole
        var context = Assert.Single(authenticator.Seen);
        Assert.Equal(1, context.Attempt);
        Assert.Equal("42", context.Challenges.Single().Parameters["key_id"]);
        Assert.Null(context.PreviousAuthorization);
    }

    [Fact]
    public async Task AnAuthenticatorGivingTheSameAnswerIsNotAskedInALoop()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/never", (HttpContext c) =>
        {
            c.Response.Headers.WWWAuthenticate = "Token realm=\"api\", key_id=\"42\"";
            return Results.StatusCode(401);
        }));
        var authenticator = new TokenAuthenticator();
        await using var test = TestClient.Create(o => o.Authentication.Authenticator = authenticator);

        using var response = await test.Client.GetAsync(server.Url("/never"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, server.CountFor("/never"));
        Assert.Equal(2, authenticator.Seen.Count);
        Assert.Equal(2, authenticator.Seen[1].Attempt);
    }

    [Fact]
    public async Task AnswersStopAtMaxChallengeResponses()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/never", (HttpContext c) =>
        {
            c.Response.Headers.WWWAuthenticate = "Token realm=\"api\"";
            return Results.StatusCode(401);
        }));
        await using var test = TestClient.Create(o =>
        {
            o.Authentication.Authenticator = new CountingAuthenticator();
            o.Authentication.MaxChallengeResponses = 2;
        });

        using var response = await test.Client.GetAsync(server.Url("/never"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(3, server.CountFor("/never"));
        Assert.Contains(test.Logs.GetSnapshot(), r => r.Id.Id == 456);
    }

    [Fact]
    public async Task OnlyOneWayOfAnsweringMayBeSet()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("both").AddStatusHandling(o =>
        {
            o.Authentication.Credentials = s_alice;
            o.Authentication.Authenticator = new TokenAuthenticator();
        });
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<StatusHandlingOptions>>().Get("both"));
        Assert.Contains("set only one of Credentials, BearerTokenProvider and Authenticator", ex.Message, StringComparison.Ordinal);
    }

    internal static Func<HttpContext, IResult> BasicEndpoint(string user, string password, Func<HttpContext, IResult>? then = null)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        return context =>
        {
            if (context.Request.Headers.Authorization == expected)
            {
                return then?.Invoke(context) ?? Results.Text("basic ok");
            }

            context.Response.Headers.WWWAuthenticate = "Basic realm=\"loopback\", charset=\"UTF-8\"";
            return Results.StatusCode(401);
        };
    }

    /// <summary>A primary handler whose connections all go to <paramref name="server"/>, whatever the host in the URI.</summary>
    private static SocketsHttpHandler RoutedTo(LoopbackServer server) => new()
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    private sealed class TokenAuthenticator : IHttpAuthenticator
    {
        public List<AuthenticationContext> Seen { get; } = [];

        public ValueTask<AuthenticationHeaderValue?> AuthenticateAsync(AuthenticationContext context, CancellationToken cancellationToken)
        {
            Seen.Add(context);
            var challenge = context.Challenges.FirstOrDefault(c => c.IsScheme("Token"));
            return ValueTask.FromResult(challenge is null ? null : new AuthenticationHeaderValue("Token", "key=\"k-42\""));
        }
    }

    private sealed class CountingAuthenticator : IHttpAuthenticator
    {
        private int _count;

        public ValueTask<AuthenticationHeaderValue?> AuthenticateAsync(AuthenticationContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<AuthenticationHeaderValue?>(new AuthenticationHeaderValue("Token", $"try-{Interlocked.Increment(ref _count)}"));
    }
}
