namespace StatusAwareHttp;

/// <summary>
/// A rule of <see cref="CacheOptions.Rules"/>: for the URIs it matches, responses are stored with a lifetime of the
/// application's choosing instead of the origin's freshness, or not stored at all. For APIs that send no caching
/// headers, or wrong ones.
/// </summary>
/// <remarks>
/// <para>
/// A rule matches a URI when every condition it has holds: <see cref="Host"/>, <see cref="PathPrefix"/> and
/// <see cref="Predicate"/>; it needs at least one. The first matching rule in the list applies. A rule needs at least
/// one effect: <see cref="Lifetime"/> or <see cref="NoStore"/> (not both), and <see cref="PostIsQuery"/>. Rules are
/// checked at start-up.
/// </para>
/// <para>
/// A lifetime replaces the origin's freshness (<c>max-age</c>, <c>Expires</c>, <c>no-cache</c>, heuristic freshness)
/// when the response is stored, and again when a 304 updates it: the stored copy carries <c>Cache-Control:
/// max-age=</c> the lifetime, with the origin's other directives (<c>must-revalidate</c>, <c>stale-if-error</c>, ...)
/// kept. A response that says <c>no-store</c> (or sets a cookie, or is a 206) is never stored because of a rule, unless
/// <see cref="ApplyToNoStoreResponses"/> says so. Responses stored or served under a rule show <c>detail=rule</c> in
/// <c>Cache-Status</c>. <see cref="Host"/>, <see cref="PathPrefix"/>, <see cref="Lifetime"/>, <see cref="NoStore"/>,
/// <see cref="ApplyToNoStoreResponses"/> and <see cref="PostIsQuery"/> can be bound from configuration; <see cref="Predicate"/> is set in code.
/// </para>
/// </remarks>
public sealed class CacheRule
{
    /// <summary>
    /// Gets or sets the host the rule matches, compared without case (for example <c>api.example.com</c>); a leading
    /// <c>*.</c> matches every subdomain (<c>*.example.com</c>, not <c>example.com</c> itself). Default:
    /// <see langword="null"/> (any host).
    /// </summary>
    public string? Host { get; set; }

    /// <summary>
    /// Gets or sets the start of the paths the rule matches, compared case-sensitively with the URI's escaped path (for
    /// example <c>/v1/catalog/</c>); it starts with <c>/</c>. Default: <see langword="null"/> (any path).
    /// </summary>
    public string? PathPrefix { get; set; }

    /// <summary>
    /// Gets or sets a test of the whole URI (query included) the rule matches, in code only. It must not throw; one that
    /// does is taken as "no match". Default: <see langword="null"/> (no test).
    /// </summary>
    public Func<Uri, bool>? Predicate { get; set; }

    /// <summary>
    /// Gets or sets how long a matching response stays fresh once stored, replacing the origin's freshness. Range: more
    /// than 0, at most 365 days. Default: <see langword="null"/> (set this or <see cref="NoStore"/>).
    /// </summary>
    public TimeSpan? Lifetime { get; set; }

    /// <summary>Gets or sets a value indicating whether matching responses are never stored. Default: <see langword="false"/>.</summary>
    public bool NoStore { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the <see cref="Lifetime"/> applies to a response that says
    /// <c>Cache-Control: no-store</c> too (it is then stored). Default: <see langword="false"/>: a <c>no-store</c>
    /// response is never stored, whatever the rule.
    /// </summary>
    public bool ApplyToNoStoreResponses { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a POST to a matching URI is a query (RFC 10008), as
    /// <see cref="HttpCacheRequestExtensions.MarkAsQuery"/> makes one request: retried and cached by its content like a
    /// QUERY, never invalidating. For endpoints that take safe queries by POST (GraphQL, search APIs); never for one
    /// that changes state. The rule's <see cref="Lifetime"/> or <see cref="NoStore"/>, when set, applies too. A request
    /// marked with <c>MarkAsQuery(false)</c> is not made a query by the rule. Default: <see langword="false"/>.
    /// </summary>
    public bool PostIsQuery { get; set; }
}
