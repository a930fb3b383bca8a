namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>
/// The name the byte-level tests started <see cref="RawHttpServer"/> by, kept so that they read as before: the same
/// server, answering request <c>n</c> with bytes made for it.
/// </summary>
public static class RawBytesServer
{
    /// <inheritdoc cref="RawHttpServer.Start"/>
    public static RawHttpServer Start(Func<int, byte[]> respond) => RawHttpServer.Start(respond);

    /// <inheritdoc cref="RawHttpServer.Latin1"/>
    public static byte[] Latin1(string text) => RawHttpServer.Latin1(text);

    /// <inheritdoc cref="RawHttpServer.HasField"/>
    public static bool HasField(string head, string name) => RawHttpServer.HasField(head, name);
}
