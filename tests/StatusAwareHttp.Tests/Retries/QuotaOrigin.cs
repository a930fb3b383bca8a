using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace StatusAwareHttp.Tests.Retries;

/// <summary>
/// A rate-limited origin's route: <c>q</c> requests per fixed window of <c>w</c> seconds (anchored at the window's first
/// request), per partition (the <c>X-Api-Key</c> value, when <c>partitioned</c>); over it, 429. Every answer says so in
/// the RateLimit fields (draft-ietf-httpapi-ratelimit-headers-11 §3, §4) when <c>announce</c> is on, <c>t</c> rounded up.
/// </summary>
internal sealed class QuotaOrigin(int quota, int windowSeconds, bool partitioned = false, bool announce = true)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, (long Start, int Count)> _windows = [];
    private int _served;
    private int _refused;

    public int Served => Volatile.Read(ref _served);

    public int Refused => Volatile.Read(ref _refused);

    public void Map(WebApplication app, string path) => app.Map(path, (HttpContext c) =>
    {
        var partition = partitioned ? c.Request.Headers["X-Api-Key"].ToString() : string.Empty;
        var now = Stopwatch.GetTimestamp();
        int remaining;
        double left;
        bool over;
        lock (_sync)
        {
            if (!_windows.TryGetValue(partition, out var window) || Stopwatch.GetElapsedTime(window.Start, now).TotalSeconds >= windowSeconds)
            {
                window = (now, 0);
            }

            window.Count++;
            _windows[partition] = window;
            over = window.Count > quota;
            remaining = Math.Max(0, quota - window.Count);
            left = windowSeconds - Stopwatch.GetElapsedTime(window.Start, now).TotalSeconds;
        }

        if (announce)
        {
            var pk = partitioned ? $";pk=:{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(partition))}:" : string.Empty;
            c.Response.Headers["RateLimit"] = $"\"default\";r={remaining};t={(int)Math.Ceiling(left)}{pk}";
            c.Response.Headers["RateLimit-Policy"] = $"\"default\";q={quota};w={windowSeconds}{pk}";
        }

        if (over)
        {
            Interlocked.Increment(ref _refused);
            return Results.StatusCode(429);
        }

        Interlocked.Increment(ref _served);
        return Results.Text("ok");
    });
}
