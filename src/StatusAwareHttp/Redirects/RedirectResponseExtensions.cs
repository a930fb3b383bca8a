
namespace StatusAwareHttp;

/// <summary>Reads what the redirect handler did from a response.</summary>
public static class RedirectResponseExtensions
{
    internal static readonly HttpRequestOptionsKey<IReadOnlyList<RedirectHop>> HopsKey = new("StatusAwareHttp.RedirectHops");

    /// <summary>
    /// Gets the redirects that were followed to reach this response, in order (empty when there were none).
    /// The final URI is <c>response.RequestMessage.RequestUri</c>.
    /// </summary>
    /// <param name="response">A response from a client with status handling.</param>
    /// <returns>The hops followed, each with the URI that redirected, its status and where it led.</returns>
    public static IReadOnlyList<RedirectHop> GetRedirectHops(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.RequestMessage?.Options.TryGetValue(HopsKey, out var hops) == true ? hops : [];
    }
}
