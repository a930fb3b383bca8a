using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace StatusAwareHttp.Tests.QueryMethod;

/// <summary>
/// A Kestrel origin that implements QUERY (RFC 10008): it reads the content and answers with the result, freshness
/// (max-age=60), an ETag of the content and its type (304 to a matching If-None-Match, §2.6), a Content-Location for the
/// results (§2.3) and a Location for the equivalent resource (§2.4).
/// </summary>
internal static class QueryOrigin
{
    /// <summary>Maps QUERY (and POST, for the POST-as-query tests) on <paramref name="path"/>.</summary>
    public static void MapSearch(WebApplication app, TimeProvider time, string path = "/search", int maxAge = 60) =>
        app.MapMethods(path, ["QUERY", "POST"], async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var text = Encoding.UTF8.GetString(buffer.ToArray());
            var type = context.Request.ContentType ?? "-";
            var etag = "\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(type + "\n" + text)))[..12] + "\"";
            context.Response.Headers.Date = time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);
            context.Response.Headers.CacheControl = "max-age=" + maxAge.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.ETag = etag;
            context.Response.Headers.Location = "/stored-queries/42";
            context.Response.Headers.ContentLocation = "/results/17";
            if (context.Request.Headers.IfNoneMatch.ToString() == etag)
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync($"{context.Request.Method} {type} {text}");
        });

    /// <summary>A QUERY of <paramref name="uri"/> with <paramref name="content"/> of <paramref name="type"/>.</summary>
    public static HttpRequestMessage Query(Uri uri, string content, string type = "application/json") =>
        new(HttpMethod.Query, uri) { Content = new StringContent(content, Encoding.UTF8, type) };

    /// <summary>A QUERY whose content is a one-shot stream that cannot seek, with a Content-Length.</summary>
    public static HttpRequestMessage StreamQuery(Uri uri, string content, bool withLength = true)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var body = new StreamContent(new OneShotStream(bytes));
        body.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        if (withLength)
        {
            body.Headers.ContentLength = bytes.Length;
        }

        return new(HttpMethod.Query, uri) { Content = body };
    }

    public static async Task<string> Body(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    /// <summary>A stream that can be read once, forward only: it throws when read after its end was reached.</summary>
    internal sealed class OneShotStream(byte[] bytes) : Stream
    {
        private int _position;
        private bool _ended;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_ended)
            {
                throw new InvalidOperationException("The one-shot stream was read twice.");
            }

            var n = Math.Min(count, bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            _ended = n == 0;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
