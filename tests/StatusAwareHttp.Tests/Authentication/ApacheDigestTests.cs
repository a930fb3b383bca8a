using System.Net;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Authentication;

/// <summary>Digest against a server nobody here wrote: Apache httpd's mod_auth_digest (MD5, qop=auth).</summary>
public sealed class ApacheDigestTests
{
    [ApacheFact]
    public async Task AnswersApachesDigestChallenge()
    {
        await using var apache = await ApacheDigestServer.StartAsync();
        await using var test = TestClient.Create(o => o.Authentication.Credentials = new NetworkCredential(ApacheDigestServer.User, ApacheDigestServer.Password));

        using var response = await test.Client.GetAsync(apache.Url("/private/secret.txt?version=2"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ApacheDigestServer.SecretText, await response.Content.ReadAsStringAsync());
        Assert.Equal(["GET /private/secret.txt?version=2 HTTP/1.1 401", "GET /private/secret.txt?version=2 HTTP/1.1 200"], apache.AccessLog);
    }

    [ApacheFact]
    public async Task TheNextRequestReusesTheNonceWithTheNextCount()
    {
        await using var apache = await ApacheDigestServer.StartAsync();
        await using var test = TestClient.Create(o => o.Authentication.Credentials = new NetworkCredential(ApacheDigestServer.User, ApacheDigestServer.Password));

        using (var first = await test.Client.GetAsync(apache.Url("/private/secret.txt")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // RFC 7616 §3.4: the same nonce, nc=00000002; Apache accepts it without a new challenge.
        using var second = await test.Client.GetAsync(apache.Url("/private/secret.txt"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("nc=00000002", second.RequestMessage!.Headers.Authorization!.Parameter, StringComparison.Ordinal);
        Assert.Equal(
            ["GET /private/secret.txt HTTP/1.1 401", "GET /private/secret.txt HTTP/1.1 200", "GET /private/secret.txt HTTP/1.1 200"],
            apache.AccessLog);
    }

    [ApacheFact]
    public async Task AWrongPasswordEndsInOne401()
    {
        await using var apache = await ApacheDigestServer.StartAsync();
        await using var test = TestClient.Create(o => o.Authentication.Credentials = new NetworkCredential(ApacheDigestServer.User, "not the password"));

        using var response = await test.Client.GetAsync(apache.Url("/private/secret.txt"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["GET /private/secret.txt HTTP/1.1 401", "GET /private/secret.txt HTTP/1.1 401"], apache.AccessLog);
        var ex = await Assert.ThrowsAsync<HttpStatusException>(() => response.EnsureStatusAsync().AsTask());
        Assert.Equal("Digest", ex.Challenges.Single().Scheme);
        Assert.Equal(ApacheDigestServer.Realm, ex.Challenges.Single().Realm);
    }
}
