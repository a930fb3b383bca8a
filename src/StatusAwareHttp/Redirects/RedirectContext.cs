using System.Net;

namespace StatusAwareHttp;

/// <summary>What a redirect hop is about to do, as shown to <see cref="RedirectOptions.ShouldFollow"/>.</summary>
public sealed class RedirectContext
{
    internal RedirectContext(Uri from, Uri to, HttpStatusCode statusCode, HttpMethod method, HttpMethod nextMethod, int hopNumber)
    {
        From = from;
        To = to;
        StatusCode = statusCode;
        Method = method;
        NextMethod = nextMethod;
        HopNumber = hopNumber;
    }

    /// <summary>Gets the URI that answered with the redirect.</summary>
    public Uri From { get; }

    /// <summary>Gets the URI the hop would request next (resolved, with the fragment carried over).</summary>
    public Uri To { get; }

    /// <summary>Gets the redirect status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Gets the method of the request that was redirected.</summary>
    public HttpMethod Method { get; }

    /// <summary>Gets the method the next request would use (GET after a 303, or after a 301 or 302 to a POST).</summary>
    public HttpMethod NextMethod { get; }

    /// <summary>Gets the number of this hop, from 1.</summary>
    public int HopNumber { get; }
}
