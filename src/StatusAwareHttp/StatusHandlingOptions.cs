using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace StatusAwareHttp;

/// <summary>
/// Options of one named <see cref="HttpClient"/>'s status handling, one section per concern.
/// Configured with <c>AddStatusHandling(o =&gt; ...)</c>, named after the client, and validated at start-up.
/// </summary>
public sealed class StatusHandlingOptions
{
    /// <summary>Gets the redirect rules (3xx). Enabled by default.</summary>
    [Required]
    [ValidateObjectMembers]
    public RedirectOptions Redirects { get; } = new();

    /// <summary>Gets the HTTP cache (RFC 9111, 304 revalidation). Enabled by default.</summary>
    [Required]
    [ValidateObjectMembers]
    public CacheOptions Cache { get; } = new();

    /// <summary>Gets the retries of 503, 504 and other transient failures. Enabled by default.</summary>
    [Required]
    [ValidateObjectMembers]
    public RetryOptions Retries { get; } = new();

    /// <summary>Gets the answers to 401 challenges. Enabled by default; it acts only once an authenticator or credential is set.</summary>
    [Required]
    [ValidateObjectMembers]
    public AuthenticationOptions Authentication { get; } = new();

    /// <summary>Gets how error statuses (4xx, 5xx, 505) are turned into typed errors.</summary>
    [Required]
    [ValidateObjectMembers]
    public ErrorOptions Errors { get; } = new();

    /// <summary>
    /// Gets what is done with the <c>Deprecation</c> (RFC 9745) and <c>Sunset</c> (RFC 8594) notices of responses: a
    /// warning once per route, a counter, span tags, and (opt-in) an exception past the sunset. Enabled by default.
    /// </summary>
    [Required]
    [ValidateObjectMembers]
    public DeprecationOptions Deprecation { get; } = new();

    /// <summary>
    /// Gets the names of request headers that carry credentials, for the whole library: they are dropped when a
    /// redirect leaves the origin of the original request (besides <c>Authorization</c>, <c>Proxy-Authorization</c> and
    /// <c>Cookie</c>, which always are), and a GET that carries one is cached in a partition of its own, keyed by a
    /// SHA-256 hash of the values, so two API keys never share an entry. Their values are never logged or stored.
    /// Compared without case. Default: <c>Authorization</c>, <c>Proxy-Authorization</c>, <c>Cookie</c>,
    /// <c>X-Api-Key</c>, <c>Api-Key</c>, <c>X-Auth-Token</c>, <c>X-Access-Token</c>. Names bound from configuration are
    /// added to the default ones.
    /// </summary>
    public ISet<string> SensitiveHeaders { get; } = new HashSet<string>(Internal.SensitiveHeaderNames.Defaults, StringComparer.OrdinalIgnoreCase);
}
