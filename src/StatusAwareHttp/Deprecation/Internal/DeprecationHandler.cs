namespace StatusAwareHttp.Deprecation.Internal;

/// <summary>
/// The deprecation notices (<see cref="DeprecationObserver"/>) of a client whose redirects are off; with redirects on,
/// the redirect handler calls the observer for each hop itself and this handler is not added.
/// </summary>
/// <remarks>
/// Sits inside the redirects and outside the authentication and the cache (see docs/deprecation.md): every redirect
/// hop is seen under its own route (a deprecated v1 URI that redirects to v2 is the one named), a stored response is
/// judged against the clock of the request that reads it (its sunset may have passed since it was stored), and an
/// answered 401 counts once.
/// </remarks>
internal sealed class DeprecationHandler : DelegatingHandler
{
    private readonly DeprecationObserver _observer;

    public DeprecationHandler(DeprecationObserver observer)
    {
        _observer = observer;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var task = base.SendAsync(request, cancellationToken);
        return task.IsCompletedSuccessfully ? _observer.Observe(request, task) : ObserveAsync(request, task);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _observer.Observe(request, base.Send(request, cancellationToken));

    private async Task<HttpResponseMessage> ObserveAsync(HttpRequestMessage request, Task<HttpResponseMessage> pending) =>
        _observer.Observe(request, await pending.ConfigureAwait(false));
}
