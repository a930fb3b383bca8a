using System.Net;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Errors.Internal;

/// <summary>The 204 and 205 rule (RFC 9110 §15.3.5, §15.3.6) as a pure function: such a response carries no content.</summary>
internal static class NoContentPolicy
{
    /// <summary>Whether the content of a response with <paramref name="status"/> must be replaced by empty content.</summary>
    public static bool MustEmptyContent(HttpStatusCode status, HttpContent? content) =>
        HttpStatusRules.HasNoContent((int)status) && (content is null || content.Headers.ContentLength != 0);
}
