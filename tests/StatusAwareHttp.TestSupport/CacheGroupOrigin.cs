using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>
/// A Kestrel origin for cache groups (RFC 9875) and for the invalidation of queries (RFC 10008, RFC 9111 §4.4):
/// <c>GET /g/{name}?groups=...</c> answers fresh for 60 s with <c>Cache-Groups</c> set to the raw text given and a body
/// that counts the origin's answers for that name; any other method on <c>/g/{name}</c> or <c>/search</c>
/// (<c>POST</c>, <c>PUT</c>, <c>DELETE</c>, <c>PATCH</c>, <c>QUERY</c>) answers the <c>X-Status</c> request header or
/// <c>?status=</c> (default 200) with <c>Cache-Group-Invalidation</c> set to <c>?inv=</c> when given; on <c>/search</c>,
/// a <c>QUERY</c> or <c>POST</c> without <c>X-Status</c> answers fresh for 60 s with the content and the answer's
/// number. Dates come from the clock given.
/// </summary>
public static class CacheGroupOrigin
{
    public static void Map(WebApplication app, TimeProvider time)
    {
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        app.MapMethods("/g/{name}", ["GET", "POST", "PUT", "DELETE", "PATCH", "QUERY"], async (HttpContext context, string name) =>
        {
            var query = context.Request.Query;
            context.Response.Headers.Date = time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);
            if (HttpMethods.IsGet(context.Request.Method))
            {
                var n = counts.AddOrUpdate(name, 1, (_, c) => c + 1);
                context.Response.Headers.CacheControl = "max-age=60";
                if (query.TryGetValue("groups", out var groups))
                {
                    context.Response.Headers["Cache-Groups"] = groups.ToString();
                }

                if (query.TryGetValue("inv", out var getInvalidation))
                {
                    context.Response.Headers["Cache-Group-Invalidation"] = getInvalidation.ToString();
                }

                await context.Response.WriteAsync($"{name} #{n}");
                return;
            }

            await Unsafe(context);
        });

        app.MapMethods("/search", ["QUERY", "POST", "PUT", "DELETE", "PATCH"], async (HttpContext context) =>
        {
            context.Response.Headers.Date = time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);
            if (context.Request.Headers.ContainsKey("X-Status") || !(context.Request.Method is "QUERY" or "POST"))
            {
                await Unsafe(context);
                return;
            }

            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var n = counts.AddOrUpdate("/search", 1, (_, c) => c + 1);
            context.Response.Headers.CacheControl = "max-age=60";
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync($"{context.Request.Method} {Encoding.UTF8.GetString(buffer.ToArray())} #{n}");
        });
    }

    /// <summary>A QUERY of <paramref name="uri"/> with JSON <paramref name="content"/>.</summary>
    public static HttpRequestMessage Query(Uri uri, string content) =>
        new(HttpMethod.Query, uri) { Content = new StringContent(content, Encoding.UTF8, "application/json") };

    /// <summary>A request of <paramref name="method"/> with a small body (none for DELETE), answered <paramref name="status"/>.</summary>
    public static HttpRequestMessage Change(HttpMethod method, Uri uri, int status = 200)
    {
        var request = new HttpRequestMessage(method, uri) { Content = method == HttpMethod.Delete ? null : new StringContent("change", Encoding.UTF8, "text/plain") };
        request.Headers.Add("X-Status", status.ToString(CultureInfo.InvariantCulture));
        return request;
    }

    /// <summary>The body of a GET of <paramref name="uri"/>.</summary>
    public static async Task<string> GetBody(HttpClient client, Uri uri)
    {
        using var response = await client.GetAsync(uri);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task Unsafe(HttpContext context)
    {
        var query = context.Request.Query;
        var status = context.Request.Headers.TryGetValue("X-Status", out var header) ? header.ToString() : query["status"].ToString();
        context.Response.StatusCode = status.Length > 0 ? int.Parse(status, CultureInfo.InvariantCulture) : 200;
        if (query.TryGetValue("inv", out var invalidation))
        {
            context.Response.Headers["Cache-Group-Invalidation"] = invalidation.ToString();
        }

        await context.Response.WriteAsync("changed");
    }
}
