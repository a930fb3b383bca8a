namespace StatusAwareHttp.Internal;

/// <summary>
/// The tag every instrument of the <c>StatusAwareHttp</c> meter carries: the name of the client (the
/// <c>IHttpClientFactory</c> name, or the name given to the factory without DI). A <c>*Metrics</c> instance is bound
/// to one client with its <c>For(clientName)</c>, which shares the instruments.
/// </summary>
internal static class MetricTags
{
    /// <summary>The tag's name, the same as on the spans.</summary>
    public const string ClientName = StatusAwareTracing.ClientName;

    /// <summary>The tag of an instance not bound to a client (a value of <see langword="null"/>, which exporters drop).</summary>
    public static readonly KeyValuePair<string, object?> Unbound = new(ClientName, null);

    public static KeyValuePair<string, object?> Client(string clientName) => new(ClientName, clientName);
}
