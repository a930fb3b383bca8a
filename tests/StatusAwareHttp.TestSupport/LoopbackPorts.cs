using System.Net;
using System.Net.Sockets;

namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>Ports of 127.0.0.1 for the servers the tests start themselves and for connections that must be refused.</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// A port nothing listens on, for a server about to start (bound, read, released: another process could take it in
    /// between, which on loopback with ports from the ephemeral range does not happen in practice), or for a connection
    /// that must be refused at once.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
