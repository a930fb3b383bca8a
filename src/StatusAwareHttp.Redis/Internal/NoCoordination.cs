using System.Net;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>What a switched-off part of the coordination registers: every miss alone, no gate shared.</summary>
internal sealed class NoCoordination : IHttpCacheCoordinator, IOriginGateCoordinator, IDisposable
{
    public static readonly NoCoordination Instance = new();

    public ValueTask<HttpCacheLease> AcquireAsync(string key, CancellationToken cancellationToken) => new(HttpCacheLease.Alone);

    public void Publish(Uri origin, TimeSpan hold, HttpStatusCode status)
    {
    }

    public IDisposable Subscribe(Action<Uri, TimeSpan, HttpStatusCode> closed) => this;

    public void Dispose()
    {
    }
}
