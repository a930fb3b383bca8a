using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Internal;

/// <summary>Turns the primary handler's own redirect following off, so the redirect rules of the library apply.</summary>
internal static class PrimaryHandlerRedirects
{
    public static void Disable(HttpMessageHandler primary, string clientName, ILogger logger)
    {
        try
        {
            switch (primary)
            {
                case SocketsHttpHandler { AllowAutoRedirect: true } sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler { AllowAutoRedirect: true } client:
                    client.AllowAutoRedirect = false;
                    break;
                case SocketsHttpHandler or HttpClientHandler:
                    break;
                default:
                    Log.PrimaryHandlerUnknown(logger, clientName, primary.GetType().FullName ?? primary.GetType().Name);
                    break;
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException(
                $"The primary handler of HttpClient '{clientName}' has already sent a request, so its AllowAutoRedirect cannot be turned off. " +
                "Give each client a new primary handler (ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler()) ) rather than a shared instance.",
                ex);
        }
    }
}
