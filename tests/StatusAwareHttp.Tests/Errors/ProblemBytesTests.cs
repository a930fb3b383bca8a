using System.Net;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Errors;

/// <summary>Over real sockets, from a raw server: a problem+json body that is not valid UTF-8 is no problem document.</summary>
public sealed class ProblemBytesTests
{
    [Fact]
    public async Task A_problem_json_body_in_invalid_UTF_8_gives_HttpStatusException_with_no_Problem_and_the_excerpt()
    {
        // {"title":" FF FE C3 "}: bytes that are no UTF-8 inside a JSON string.
        await using var server = RawHttpServer.Start(_ => RawHttpServer.Latin1(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"title\":\"\u00FF\u00FE\u00C3\"}"));
        await using var test = TestClient.Create();
        using var response = await test.Client.GetAsync(server.BaseAddress);

        var error = await Assert.ThrowsAsync<HttpStatusException>(async () => await response.EnsureStatusAsync());

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Null(error.Problem);
        Assert.StartsWith("{\"title\":\"", error.BodyExcerpt, StringComparison.Ordinal);
    }
}
