namespace StatusAwareHttp;

/// <summary>
/// What <see cref="IHttpCache.GetEntriesAsync"/> tells about one stored key: its URI and the figures of its most recent
/// variant. Never a credential: a key of requests with credentials only says it is <see cref="Partitioned"/>.
/// </summary>
public sealed class HttpCacheEntryInfo
{
    /// <summary>Gets the URI as the cache keys it (absolute, with the query the key keeps, without fragment).</summary>
    public required Uri Uri { get; init; }

    /// <summary>
    /// Gets the method of the requests the key stores responses to: <c>GET</c>, <c>QUERY</c> (RFC 10008), or <c>POST</c>
    /// for a POST marked as a query. A query's key holds a hash of its content, never the content. Default: <c>GET</c>.
    /// </summary>
    public string Method { get; init; } = "GET";

    /// <summary>Gets the status of the most recent variant.</summary>
    public required int StatusCode { get; init; }

    /// <summary>Gets the bytes stored for the key: every variant's body plus its header text.</summary>
    public required long StoredBytes { get; init; }

    /// <summary>Gets the current age of the most recent variant (RFC 9111 §4.2.3), from the cache's clock.</summary>
    public required TimeSpan Age { get; init; }

    /// <summary>Gets how long the most recent variant stays fresh; negative when it is stale already.</summary>
    public required TimeSpan FreshnessLeft { get; init; }

    /// <summary>Gets the <c>ETag</c> of the most recent variant, or <see langword="null"/>.</summary>
    public string? ETag { get; init; }

    /// <summary>Gets the <c>Last-Modified</c> of the most recent variant, or <see langword="null"/>.</summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>Gets the number of variants (RFC 9111 §4.1) stored under the key.</summary>
    public required int VariantCount { get; init; }

    /// <summary>
    /// Gets the cache groups (RFC 9875 <c>Cache-Groups</c>) of the key's variants, each once, in the order first seen;
    /// they belong to the origin of <see cref="Uri"/>. Default: empty.
    /// </summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>Gets a value indicating whether the key belongs to requests that carried a sensitive header (it holds a hash of them, never shown).</summary>
    public required bool Partitioned { get; init; }
}
