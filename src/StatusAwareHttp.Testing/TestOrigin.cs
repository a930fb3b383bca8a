using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Testing.Internal;

namespace StatusAwareHttp.Testing;

/// <summary>
/// An HTTP origin for tests: Kestrel on 127.0.0.1 with a free port (real sockets, HTTP/1.1), whose routes are
/// representations and scripted steps, and which answers as a correct origin does: <c>Date</c> and <c>Last-Modified</c>
/// from the <see cref="TimeProvider"/> it shares with the client, strong ETags derived from content,
/// <c>If-None-Match</c> / <c>If-Modified-Since</c> with 304 and <c>If-Match</c> / <c>If-Unmodified-Since</c> with 412
/// (RFC 9110 §13.2.2 order), <c>Range</c> / <c>If-Range</c> with 206, 200 or 416 (§14), HEAD, and QUERY by content.
/// Every request is recorded; ask <see cref="Requests"/>, <see cref="Count"/> or the route.
/// </summary>
/// <example><code>
/// await using var origin = await TestOrigin.StartAsync(time);
/// origin.Map("/items", TestRepresentation.Json("[1,2]", cacheControl: "max-age=60"));
/// using var client = origin.CreateClient();
/// </code></example>
public sealed class TestOrigin : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, TestRoute> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private WebApplication? _app;

    private TestOrigin(TimeProvider time)
    {
        TimeProvider = time;
    }

    /// <summary>Gets the origin's address, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Gets the clock of <c>Date</c>, <c>Last-Modified</c> and <see cref="ReceivedRequest.ReceivedAt"/>; share it with the client.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Gets every request that reached the origin (routed or not), in order of arrival.</summary>
    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    /// <summary>Gets the declared routes.</summary>
    public IReadOnlyCollection<TestRoute> Routes => [.. _routes.Values];

    /// <summary>The answer to requests no route matches (the HAR replay); null answers them 404.</summary>
    internal ITestOriginFallback? Fallback { get; set; }

    /// <summary>Starts an origin on 127.0.0.1 with a free port.</summary>
    /// <param name="timeProvider">The clock of its <c>Date</c> and <c>Last-Modified</c> fields, usually the test's <c>FakeTimeProvider</c>. Default: <see langword="null"/>, <see cref="TimeProvider.System"/>.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <returns>The started origin; dispose it to stop it.</returns>
    public static async Task<TestOrigin> StartAsync(TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var origin = new TestOrigin(timeProvider ?? TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });

        var app = builder.Build();
        var responder = new OriginResponder(origin);
        app.Run(responder.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        origin.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        origin._app = app;
        return origin;
    }

    /// <summary>Declares (or replaces) a route answering GET, HEAD, PUT and DELETE with a representation.</summary>
    /// <param name="path">The path, starting with <c>/</c>, compared ordinally without the query.</param>
    /// <param name="representation">The representation; <see langword="null"/> for none yet (GET answers 404 after the steps).</param>
    /// <returns>The route, to script or inspect.</returns>
    public TestRoute Map(string path, TestRepresentation? representation = null) =>
        Add(new TestRoute(CheckPath(path), representation, select: null, acceptsQuery: false, TimeProvider));

    /// <summary>Declares (or replaces) a route whose representation is chosen per request, such as by a field it varies on.</summary>
    /// <param name="path">The path, starting with <c>/</c>, compared ordinally without the query.</param>
    /// <param name="select">Chooses the representation for a request; <see langword="null"/> answers 404.</param>
    /// <returns>The route.</returns>
    public TestRoute Map(string path, Func<ReceivedRequest, TestRepresentation?> select)
    {
        ArgumentNullException.ThrowIfNull(select);
        return Add(new TestRoute(CheckPath(path), null, select, acceptsQuery: false, TimeProvider));
    }

    /// <summary>
    /// Declares (or replaces) a route answering QUERY (RFC 10008) by the request content: <paramref name="answer"/> makes
    /// the result of the query it is given, whose ETag follows from its content like any representation's.
    /// </summary>
    /// <param name="path">The path, starting with <c>/</c>.</param>
    /// <param name="answer">Makes the result from the request (read its <see cref="ReceivedRequest.BodyText"/>); <see langword="null"/> answers 404.</param>
    /// <returns>The route.</returns>
    public TestRoute MapQuery(string path, Func<ReceivedRequest, TestRepresentation?> answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return Add(new TestRoute(CheckPath(path), null, answer, acceptsQuery: true, TimeProvider));
    }

    /// <summary>
    /// Declares a chain of <paramref name="hops"/> redirects from <paramref name="from"/> to <paramref name="to"/>:
    /// <c>from</c> redirects to <c>from/1</c>, ..., the last hop to <c>to</c> (which you map yourself).
    /// </summary>
    /// <param name="from">The first path.</param>
    /// <param name="to">The final location: a path or an absolute URI.</param>
    /// <param name="hops">The number of redirects, at least 1. Default: 1.</param>
    /// <param name="status">The redirect status. Default: 302.</param>
    /// <returns>The redirecting routes, in order.</returns>
    public IReadOnlyList<TestRoute> MapRedirectChain(string from, string to, int hops = 1, int status = 302)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hops, 1);
        ArgumentException.ThrowIfNullOrEmpty(to);
        var routes = new List<TestRoute>();
        for (var i = 0; i < hops; i++)
        {
            var path = i == 0 ? from : $"{from.TrimEnd('/')}/{i}";
            var next = i == hops - 1 ? to : $"{from.TrimEnd('/')}/{i + 1}";
            routes.Add(Map(path).Script(TestStep.Redirect(next, status).Always()));
        }

        return routes;
    }

    /// <summary>Gets the route of a path, or <see langword="null"/>.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The route.</returns>
    public TestRoute? Route(string path) => _routes.TryGetValue(path, out var route) ? route : null;

    /// <summary>Gets an absolute URI on this origin.</summary>
    /// <param name="pathAndQuery">A path and query, such as <c>/items?page=2</c>.</param>
    /// <returns>The URI.</returns>
    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    /// <summary>Gets the requests that reached a path (without the query), optionally of one method.</summary>
    /// <param name="path">The path.</param>
    /// <param name="method">Only this method; <see langword="null"/> for all. Default: <see langword="null"/>.</param>
    /// <returns>The requests, in order of arrival.</returns>
    public IReadOnlyList<ReceivedRequest> RequestsTo(string path, string? method = null) =>
        [.. _requests.Where(r => r.Path == path && (method is null || string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase)))];

    /// <summary>Gets the number of requests that reached a path (without the query), optionally of one method.</summary>
    /// <param name="path">The path.</param>
    /// <param name="method">Only this method; <see langword="null"/> for all. Default: <see langword="null"/>.</param>
    /// <returns>The count.</returns>
    public int Count(string path, string? method = null) => RequestsTo(path, method).Count;

    /// <summary>Forgets the recorded requests (of the origin and of every route); steps keep their counts.</summary>
    public void ClearRequests()
    {
        _requests.Clear();
        foreach (var route in _routes.Values)
        {
            route.ClearRequests();
        }
    }

    /// <summary>Stops the origin.</summary>
    /// <returns>A task that completes when Kestrel has stopped.</returns>
    /// <exception cref="HarReplayException">A recording is replayed (<see cref="HarReplayExtensions.Replay"/>) and a request matched none of its requests (thrown after the origin stopped).</exception>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        (Fallback as HarReplay)?.VerifyOnDispose(); // a replayed recording fails the test that sent it an unmatched request
    }

    /// <summary>Stops the origin, as <see cref="DisposeAsync"/> does, for a <c>using var origin</c> without <c>await</c>.</summary>
    /// <exception cref="HarReplayException">A recording is replayed (<see cref="HarReplayExtensions.Replay"/>) and a request matched none of its requests (thrown after the origin stopped).</exception>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            // Kestrel has no synchronous stop; its tasks do not need the caller's context, so waiting here cannot deadlock.
            app.StopAsync().GetAwaiter().GetResult();
            ((IDisposable)app).Dispose();
        }

        (Fallback as HarReplay)?.VerifyOnDispose();
    }

    internal TestRoute? Find(string path) => _routes.TryGetValue(path, out var route) ? route : null;

    internal void Record(ReceivedRequest request) => _requests.Enqueue(request);

    private static string CheckPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path[0] != '/' || path.Contains('?', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A route path starts with '/' and has no query: '{path}'.", nameof(path));
        }

        return path;
    }

    private TestRoute Add(TestRoute route)
    {
        _routes[route.Path] = route;
        return route;
    }
}
