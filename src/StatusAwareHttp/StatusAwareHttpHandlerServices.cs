using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StatusAwareHttp;

/// <summary>
/// What <see cref="StatusAwareHttpHandler.Create(HttpMessageHandler, Action{StatusHandlingOptions}?, StatusAwareHttpHandlerServices?)"/>
/// takes from the application instead of dependency injection. Every property is optional. The handler never
/// disposes the instances given here: they belong to the caller.
/// </summary>
public sealed class StatusAwareHttpHandlerServices
{
    /// <summary>Gets the name of the client in logs, metrics (the <c>statusawarehttp.client</c> tag) and traces. Default: <c>"default"</c>.</summary>
    public string ClientName { get; init; } = "default";

    /// <summary>Gets the logger factory the handlers log to. Default: <see langword="null"/>, no logs.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Gets the clock of the cache, the retries and the error handling. Default: <see langword="null"/>, <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>
    /// Gets the meter factory that makes the <c>StatusAwareHttp</c> meter. Default: <see langword="null"/>, a factory of
    /// the handler's own (its instruments are still seen by a <see cref="MeterListener"/> or OpenTelemetry), disposed with it.
    /// </summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>
    /// Gets the store of the HTTP cache (a distributed or persistent <see cref="IHttpCacheStore"/>). Default:
    /// <see langword="null"/>, a memory store of <see cref="CacheOptions.MaxTotalBytes"/> owned and disposed by the handler.
    /// </summary>
    public IHttpCacheStore? CacheStore { get; init; }

    /// <summary>
    /// Gets the library's own registrations to add to the handler's client, as on a client of <c>IHttpClientFactory</c>:
    /// a persistent or shared store (<c>client =&gt; client.UseSqliteHttpCache()</c>, or
    /// <c>client.UseDistributedHttpCache()</c> with an <c>IDistributedCache</c> added to <c>client.Services</c>), farm
    /// coordination, their options. Default: <see langword="null"/>, the memory store.
    /// </summary>
    /// <remarks>
    /// The builder belongs to a container of the handler's own: what these registrations make (a store, a Redis
    /// connection) is made by the handler, validated when it is created, and disposed with it (before the inner
    /// handler, so a store writes what it holds first). Message handlers and <see cref="HttpClient"/> settings have
    /// no place here (the handler is not made by <c>IHttpClientFactory</c>): adding any throws at creation. A
    /// <see cref="CacheStore"/> given as well wins over a store registered here.
    /// </remarks>
    public Action<IHttpClientBuilder>? ConfigureClient { get; init; }

    /// <summary>
    /// Gets a value indicating whether disposing the handler disposes the inner handler too, as a
    /// <see cref="DelegatingHandler"/> does. Default: <see langword="true"/>.
    /// </summary>
    public bool DisposeInnerHandler { get; init; } = true;
}
