using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Redis.Tests.Infrastructure;

/// <summary>
/// The origin: <c>/cold</c> is held until <c>holdUntil</c> requests arrived (or 3 seconds passed) so that the
/// instances that would go to it overlap; <c>/limited</c> answers its first request 429 with <c>Retry-After: 5</c>;
/// <c>/hang-first</c> never answers its first request, nor <c>/hang-first/{name}</c> the first of each name; everything
/// else is cacheable for a minute.
/// </summary>
public sealed class FarmOrigin : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Path, string Peer, TimeSpan At)> _arrivals = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TaskCompletionSource _enough = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoopbackServer? _server;
    private int _cold;
    private int _limited;
    private int _quota;
    private int _hanging;

    public TaskCompletionSource<TimeSpan> LimitedAt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource FirstHanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ConcurrentDictionary<string, TaskCompletionSource> Hanging { get; } = new(StringComparer.Ordinal);

    /// <summary>Completes when the first request of <c>/hang-first/{name}</c> arrived (and hangs).</summary>
    public Task FirstHangingOf(string name) => Hanging.GetOrAdd(name, static _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public static async Task<FarmOrigin> StartAsync(int holdUntil)
    {
        var origin = new FarmOrigin();
        origin._server = await LoopbackServer.StartAsync(app => origin.Map(app, holdUntil));
        return origin;
    }

    public Uri Url(string path) => _server!.Url(path);

    public int Count(string path) => _arrivals.Count(a => a.Path == path);

    public (string Peer, TimeSpan At)[] Arrivals(string path) => [.. _arrivals.Where(a => a.Path == path).Select(a => (a.Peer, a.At))];

    public async ValueTask DisposeAsync() => await _server!.DisposeAsync();

    private static Task Cacheable(HttpContext context)
    {
        context.Response.Headers.CacheControl = "max-age=60";
        return context.Response.WriteAsync("cached body");
    }

    private void Map(WebApplication app, int holdUntil)
    {
        app.Use(async (context, next) =>
        {
            _arrivals.Enqueue((context.Request.Path.Value!, context.Request.Headers["X-Peer"].ToString(), _clock.Elapsed));
            await next(context);
        });
        app.MapGet("/cold", async context =>
        {
            if (Interlocked.Increment(ref _cold) >= holdUntil)
            {
                _enough.TrySetResult();
            }

            // Holds the response so that instances which would each go to the origin all do before any answer.
            // At most 3 s (the coordinated instances never reach the count): a cap on the wait for the signal.
            try
            {
                await _enough.Task.WaitAsync(TimeSpan.FromSeconds(3), context.RequestAborted);
            }
            catch (TimeoutException)
            {
            }
            await Cacheable(context);
        });
        app.MapGet("/limited", context =>
        {
            if (Interlocked.Increment(ref _limited) == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "5";
                LimitedAt.TrySetResult(_clock.Elapsed);
                return Task.CompletedTask;
            }

            context.Response.Headers.CacheControl = "no-store";
            return context.Response.WriteAsync("answered");
        });
        app.MapGet("/quota", context =>
        {
            context.Response.Headers.CacheControl = "no-store";
            if (Interlocked.Increment(ref _quota) == 1)
            {
                context.Response.Headers["RateLimit"] = "\"default\";r=0;t=5";
                LimitedAt.TrySetResult(_clock.Elapsed);
            }

            return context.Response.WriteAsync("answered");
        });
        app.MapGet("/hang-first", async context =>
        {
            if (Interlocked.Increment(ref _hanging) == 1)
            {
                FirstHanging.TrySetResult();
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            await Cacheable(context);
        });
        app.MapGet("/hang-first/{name}", async context =>
        {
            var name = (string)context.Request.RouteValues["name"]!;
            var first = Hanging.GetOrAdd(name, static _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
            if (first.TrySetResult())
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            await Cacheable(context);
        });
        app.MapGet("/{**rest}", Cacheable);
    }
}
