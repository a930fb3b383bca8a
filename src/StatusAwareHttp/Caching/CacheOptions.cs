using System.ComponentModel.DataAnnotations;

namespace StatusAwareHttp;

/// <summary>
/// Options of the HTTP cache (RFC 9111): a private cache of GET and QUERY (RFC 10008) responses, partitioned by credentials, revalidated
/// with conditional requests (304), with RFC 5861 <c>stale-while-revalidate</c> and <c>stale-if-error</c>.
/// </summary>
/// <remarks>
/// Entries are kept in an <see cref="IHttpCacheStore"/>. A client uses the <see cref="IHttpCacheStore"/> registered as
/// a keyed service under its client name when there is one (for example by a distributed-cache extension); otherwise
/// it gets its own in-memory store, made the first time the client is used, bounded by <see cref="MaxTotalBytes"/>.
/// The store and the table of in-flight requests belong to the client name, not to one handler, so they survive the
/// handler rotation of <c>IHttpClientFactory</c>; the limits of the memory store are read when it is made.
/// </remarks>
public sealed class CacheOptions
{
    /// <summary>Gets or sets a value indicating whether responses are cached and revalidated. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the most bytes the default in-memory store holds for this client (bodies plus header text plus a
    /// small per-entry overhead); least recently used entries are evicted beyond it. Default: 64 MiB (67108864).
    /// Range: 1 KiB to 2^62. Not used when the client has its own keyed <see cref="IHttpCacheStore"/>.
    /// </summary>
    [Range(1024.0, 4611686018427387904.0)]
    public long MaxTotalBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the largest body that is stored. A response announcing a longer <c>Content-Length</c> streams
    /// through to the caller without being buffered; one of unknown length stops being buffered once it passes
    /// this size. Either way it is not stored. Default: 4 MiB (4194304). Range: 0 to 2147483591 (the largest array);
    /// it must not exceed <see cref="MaxTotalBytes"/>.
    /// </summary>
    [Range(0.0, 2147483591.0)]
    public long MaxEntryBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the largest request content of a QUERY (RFC 10008), or of a POST marked as a query, that is read
    /// into memory to key its response (§2.7: the key incorporates a SHA-256 of the content) and to send it again on a
    /// retry or a redirect. Content announcing a longer <c>Content-Length</c>, or a stream of unknown length, is sent
    /// unchanged and its response is not stored. Default: 64 KiB (65536). Range: 0 to 16 MiB (16777216); with 0 no
    /// QUERY response with content is stored.
    /// </summary>
    [Range(0.0, 16777216.0)]
    public long MaxQueryContentBytes { get; set; } = 64L * 1024;

    /// <summary>
    /// Gets or sets the fraction of the time since <c>Last-Modified</c> that a response without explicit freshness
    /// (no <c>max-age</c>, no <c>Expires</c>) of a heuristically cacheable status stays fresh (RFC 9111 §4.2.2).
    /// Default: 0.1 (10%). Range: 0 to 1; 0 turns heuristic freshness off.
    /// </summary>
    [Range(0.0, 1.0)]
    public double HeuristicFreshnessFraction { get; set; } = 0.1;

    /// <summary>
    /// Gets or sets the longest heuristic freshness lifetime. Default: 24 hours: a resource unchanged for years would
    /// otherwise be served without a check for months; one day bounds how long a change can go unseen while still
    /// sparing the origin most requests for stable resources. Range: 0 to 365 days.
    /// </summary>
    public TimeSpan MaxHeuristicFreshness { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Gets or sets the name of this cache in the <c>Cache-Status</c> response header (RFC 9211), for example
    /// <c>Cache-Status: StatusAwareHttp; hit; ttl=42</c>. Default: <c>"StatusAwareHttp"</c>. Printable ASCII only;
    /// a name that is not a structured-field token is written as a quoted string. Length: 1 to 100.
    /// </summary>
    [Required]
    public string CacheName { get; set; } = "StatusAwareHttp";

    /// <summary>
    /// Gets the rules by URL (host and path prefix, or a predicate) that give matching responses a lifetime of their
    /// own instead of the origin's freshness, or forbid storing them; the first rule that matches applies. A response
    /// that says <c>no-store</c> is left alone unless its rule sets <see cref="CacheRule.ApplyToNoStoreResponses"/>.
    /// Checked at start-up. Default: empty.
    /// </summary>
    public IList<CacheRule> Rules { get; } = new List<CacheRule>();

    /// <summary>
    /// Gets the names of query parameters left out of the cache key (such as <c>utm_source</c>), compared
    /// case-sensitively with the parameter names as sent or unescaped: <c>/a?utm_source=x&amp;id=1</c> and
    /// <c>/a?id=1</c> then share one entry. Only the parameters listed are dropped; the credential partition of the
    /// key never is. The request still goes to the origin with its whole query. Default: empty.
    /// </summary>
    public ISet<string> IgnoredQueryParameters { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets a value indicating whether a stored response of any age (stale, <c>no-cache</c> and
    /// <c>must-revalidate</c> included) is served when the network is unreachable: the connection was refused, the
    /// host name did not resolve, or the network or host is unreachable. It shows <c>detail=offline</c> in
    /// <c>Cache-Status</c>. For mobile and laptop apps; a server should rather rely on <c>stale-if-error</c>. Default:
    /// <see langword="false"/>.
    /// </summary>
    public bool ServeStaleWhenUnreachable { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a body read through the cache is checked, as it streams, against the
    /// <c>sha-256</c> and <c>sha-512</c> digests of its <c>Content-Digest</c> and <c>Repr-Digest</c> fields (RFC 9530):
    /// a body that does not match is never stored, and its reader gets an <see cref="IOException"/> naming the digest
    /// at the end of the body. Default: <see langword="true"/> (a response without those fields costs nothing).
    /// </summary>
    public bool VerifyDigests { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the requests the cache sends to the origin ask for a digest of the
    /// representation, <c>Want-Repr-Digest: sha-256=10, sha-512=3</c> (RFC 9530 §4), so that origins that can send
    /// <c>Repr-Digest</c> do. Default: <see langword="false"/>.
    /// </summary>
    public bool WantReprDigest { get; set; }
}
