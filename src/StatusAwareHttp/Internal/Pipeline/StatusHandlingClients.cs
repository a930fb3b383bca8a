namespace StatusAwareHttp.Internal;

/// <summary>The names of the clients that <c>AddStatusHandling</c> was called on (a set: twice is once).</summary>
internal sealed class StatusHandlingClients
{
    public HashSet<string> Names { get; } = new(StringComparer.Ordinal);
}
