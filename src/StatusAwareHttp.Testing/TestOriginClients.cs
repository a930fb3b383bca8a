namespace StatusAwareHttp.Testing;

/// <summary>A client with status handling pointed at a <see cref="TestOrigin"/>, on its clock, without DI (for <see cref="IHttpClientFactory"/>, see <c>AddTestOriginClient</c>).</summary>
public static class TestOriginClients
{
    /// <summary>
    /// Makes a client without DI: <see cref="StatusAwareHttpHandler.Create"/> around a new <see cref="SocketsHttpHandler"/>,
    /// with the origin's <see cref="TestOrigin.TimeProvider"/> and <see cref="HttpClient.BaseAddress"/> set to the origin.
    /// </summary>
    /// <param name="origin">The origin.</param>
    /// <param name="configure">Changes to the defaults of <see cref="StatusHandlingOptions"/>; <see langword="null"/> keeps them.</param>
    /// <returns>The client; disposing it disposes its handler (and the handler's cache).</returns>
    public static HttpClient CreateClient(this TestOrigin origin, Action<StatusHandlingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var handler = StatusAwareHttpHandler.Create(
            new SocketsHttpHandler(),
            configure,
            new StatusAwareHttpHandlerServices { TimeProvider = origin.TimeProvider });
        return new HttpClient(handler) { BaseAddress = origin.BaseAddress };
    }
}
