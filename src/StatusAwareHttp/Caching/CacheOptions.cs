namespace StatusAwareHttp.Caching;

/// <summary>Options of the HTTP cache (RFC 9111).</summary>
public sealed class CacheOptions
{
    /// <summary>Gets or sets a value indicating whether responses are cached and revalidated. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;
}
