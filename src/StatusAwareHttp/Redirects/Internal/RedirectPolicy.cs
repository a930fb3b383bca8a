using System.Net;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Redirects.Internal;

/// <summary>Why a 3xx is handed back to the caller instead of being followed.</summary>
internal enum RedirectRefusal
{
    None,
    NotFollowedStatus,
    NoUsableLocation,
    HttpsToHttp,
    BodyNotResendable,
    Vetoed,
    Limit,
    Loop,
}

/// <summary>What to do with one response: follow it (with which method, to where, keeping the body or not) or hand it back.</summary>
internal readonly record struct RedirectDecision(RedirectRefusal Refusal, HttpMethod? Method, Uri? Target, bool DropBody)
{
    public bool Follow => Refusal == RedirectRefusal.None;

    public static RedirectDecision HandBack(RedirectRefusal refusal) => new(refusal, null, null, false);
}

/// <summary>The redirect rules of RFC 9110 §15.4 and the Fetch standard, as pure functions.</summary>
internal static class RedirectPolicy
{
    /// <summary>The statuses that are followed (301, 302, 303, 307, 308; not 300, 304, 305, 306): <see cref="HttpStatusRules"/>.</summary>
    public static bool IsFollowedStatus(HttpStatusCode status) => HttpStatusRules.IsFollowedRedirect((int)status);

    /// <summary>The method of the next request (<see cref="HttpStatusRules.RedirectMethod"/>).</summary>
    public static HttpMethod NextMethod(HttpStatusCode status, HttpMethod method) => HttpStatusRules.RedirectMethod((int)status, method);

    /// <summary>
    /// The absolute URI to go to: <paramref name="location"/> resolved against <paramref name="current"/>
    /// (§10.2.2), with the fragment of <paramref name="current"/> carried over when the location has none;
    /// <see langword="null"/> when there is no location or it is not http(s).
    /// </summary>
    public static Uri? ResolveLocation(Uri current, Uri? location)
    {
        if (location is null)
        {
            return null;
        }

        Uri target;
        if (location.IsAbsoluteUri)
        {
            target = location;
        }
        else if (!Uri.TryCreate(current, location, out target!))
        {
            return null;
        }

        if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
        {
            return null;
        }

        if (string.IsNullOrEmpty(target.Fragment) && !string.IsNullOrEmpty(current.Fragment))
        {
            // §10.2.2: a Location without a fragment inherits the fragment of the original target.
            target = new Uri(target.AbsoluteUri + current.Fragment);
        }

        // AbsoluteUri percent-encodes any non-ASCII character of the location.
        return new Uri(target.AbsoluteUri);
    }

    /// <summary>The decision for one response to <paramref name="method"/> <paramref name="current"/>.</summary>
    public static RedirectDecision Decide(HttpMethod method, HttpStatusCode status, Uri current, Uri? location, HttpContent? content, bool allowHttpsToHttp)
    {
        // 300 Multiple Choices, 304 Not Modified and the rest are the caller's to read (§15.4.1, §15.4.5).
        if (!IsFollowedStatus(status))
        {
            return RedirectDecision.HandBack(RedirectRefusal.NotFollowedStatus);
        }

        // §10.2.2: no Location, or one we cannot request, leaves nothing to follow.
        var target = ResolveLocation(current, location);
        if (target is null)
        {
            return RedirectDecision.HandBack(RedirectRefusal.NoUsableLocation);
        }

        // A downgrade from https to http would expose the next request; only on the caller's opt-in.
        if (current.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp && !allowHttpsToHttp)
        {
            return RedirectDecision.HandBack(RedirectRefusal.HttpsToHttp);
        }

        var next = NextMethod(status, method);
        var dropBody = next != method || (int)status == 303;

        // §15.4.8, §15.4.9: the body goes again, whole, or the 3xx goes back; never an empty or cut body.
        if (!dropBody && !RequestBody.CanResend(content))
        {
            return RedirectDecision.HandBack(RedirectRefusal.BodyNotResendable);
        }

        return new RedirectDecision(RedirectRefusal.None, next, target, dropBody);
    }

    /// <summary>The request headers dropped when a hop leaves the original origin.</summary>
    public static IEnumerable<string> CredentialHeaders(IEnumerable<string> sensitiveHeaders)
    {
        yield return "Authorization";
        yield return "Proxy-Authorization";
        yield return "Cookie";
        foreach (var name in sensitiveHeaders)
        {
            yield return name;
        }
    }
}
