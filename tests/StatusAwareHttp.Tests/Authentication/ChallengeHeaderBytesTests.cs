using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StatusAwareHttp.Internal;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Authentication;

/// <summary>
/// Over real sockets, from a raw server: a Digest challenge whose realm and nonce hold obs-text (RFC 9110 §5.5) cannot
/// be answered with a header .NET will send, so the 401 goes back with its challenges, logged once.
/// </summary>
public sealed class ChallengeHeaderBytesTests
{
    [Theory]
    [InlineData("\u00C3\u00BC", "\u00C3\u00B1")] // "ü" and "ñ" sent as UTF-8
    [InlineData("caf\u00E9", "n\u00E9")] // lone 0xE9 bytes
    public async Task A_Digest_challenge_with_non_ASCII_realm_and_nonce_hands_the_401_back_with_its_challenges(string realm, string nonce)
    {
        await using var server = RawHttpServer.Start(_ => RawHttpServer.Latin1(
            $"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"{realm}\", nonce=\"{nonce}\", qop=\"auth\", algorithm=SHA-256\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        await using var test = TestClient.Create(o => o.Authentication.Credentials = new NetworkCredential("alice", "wonderland"));
        using var retried = new MetricCollector<long>(test.Services.GetRequiredService<StatusAwareHttpMeter>().Meter, "statusawarehttp.retry.retried");

        using var response = await test.Client.GetAsync(server.BaseAddress);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var challenges));
        Assert.StartsWith("Digest realm=", Assert.Single(challenges), StringComparison.Ordinal);
        Assert.Single(server.Heads);
        Assert.Single(test.Logs.GetSnapshot(), l => l.Id.Id == 457);
        Assert.Empty(retried.GetMeasurementSnapshot());
    }
}
