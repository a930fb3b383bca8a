using System.Net.Http;
using System.Net.Sockets;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// Which failures mean the network (not the origin) is unreachable, for <see cref="CacheOptions.ServeStaleWhenUnreachable"/>:
/// the connection refused, the name not resolved, the network or host unreachable. A timeout or a 5xx is not one.
/// </summary>
internal static class NetworkUnreachable
{
    public static bool Is(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError })
            {
                return true;
            }

            if (e is SocketException socket && socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound
                or SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown or SocketError.TryAgain
                or SocketError.NoData or SocketError.AddressNotAvailable)
            {
                return true;
            }
        }

        return false;
    }
}
