using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Distributed;

/// <summary>
/// RFC 9111 §3.3-3.4 across instances: a 206 part stored by one instance in the shared redis-server serves a range
/// of it to another, which fetches only the missing bytes of a larger range. Real sockets: Kestrel and redis-server.
/// </summary>
public sealed class DistributedPartsTests
{
    private static readonly byte[] s_content = RandomNumberGenerator.GetBytes(64 * 1024);

    [RedisFact]
    public async Task A_part_stored_by_one_instance_serves_and_is_completed_by_another()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await LoopbackServer.StartAsync(app => app.MapGet("/file", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=600";
            return Results.Bytes(s_content, "application/octet-stream", enableRangeProcessing: true, entityTag: new EntityTagHeaderValue("\"p1\""));
        }));
        await using var a = await DistributedInstance.CreateAsync(redis);
        await using var b = await DistributedInstance.CreateAsync(redis);
        var url = origin.Url("/file");

        using (var first = await Send(a.Client, url, "bytes=0-99"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, first.StatusCode);
        }

        await a.WaitStoredAsync(a.StoreKey(url));
        origin.ClearRequests();

        using (var held = await Send(b.Client, url, "bytes=10-49"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, held.StatusCode);
            Assert.Equal(Sha(s_content[10..50]), Sha(await held.Content.ReadAsByteArrayAsync()));
        }

        Assert.Empty(origin.Requests);
        using var combined = await Send(b.Client, url, "bytes=0-199");
        Assert.Equal("bytes 0-199/65536", string.Join(",", combined.Content.Headers.GetValues("Content-Range")));
        Assert.Equal(Sha(s_content[..200]), Sha(await combined.Content.ReadAsByteArrayAsync()));
        var fetch = Assert.Single(origin.Requests);
        Assert.Equal("bytes=100-199", fetch.Header("Range"));
        Assert.Equal("\"p1\"", fetch.Header("If-Range"));
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, Uri url, string range)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Range", range);
        return client.SendAsync(request);
    }

    private static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));
}
