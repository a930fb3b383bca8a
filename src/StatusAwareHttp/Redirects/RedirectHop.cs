using System.Net;

namespace StatusAwareHttp;

/// <summary>One redirect that was followed: the URI that answered, its status, and where it led.</summary>
/// <param name="Uri">The URI that answered with the redirect.</param>
/// <param name="StatusCode">The redirect status (301, 302, 303, 307 or 308).</param>
/// <param name="Method">The method of the request that was redirected.</param>
/// <param name="Location">The URI that was requested next.</param>
public sealed record RedirectHop(Uri Uri, HttpStatusCode StatusCode, HttpMethod Method, Uri Location);
