namespace StatusAwareHttp;

/// <summary>
/// Whether the older <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and <c>X-RateLimit-Reset</c> response
/// fields (GitHub-style APIs, before draft-ietf-httpapi-ratelimit-headers) are read, and how <c>X-RateLimit-Reset</c>
/// is read: APIs disagree, so the app names it (<see cref="RetryOptions.XRateLimitFields"/>).
/// </summary>
public enum XRateLimitReset
{
    /// <summary>The <c>X-RateLimit-*</c> fields are not read (the default).</summary>
    Ignored = 0,

    /// <summary><c>X-RateLimit-Reset</c> is the number of seconds until the quota resets (as the draft's <c>t</c>).</summary>
    SecondsToGo = 1,

    /// <summary><c>X-RateLimit-Reset</c> is the Unix time (seconds since 1970-01-01 UTC) at which the quota resets, read against this machine's clock.</summary>
    UnixTime = 2,
}
