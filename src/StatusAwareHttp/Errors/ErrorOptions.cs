using System.ComponentModel.DataAnnotations;

namespace StatusAwareHttp;

/// <summary>Options of the typed errors for 4xx and 5xx statuses, and of the 505 fallback.</summary>
public sealed class ErrorOptions
{
    /// <summary>The default of <see cref="MaxBodyExcerptBytes"/>: 4 KiB.</summary>
    public const int DefaultMaxBodyExcerptBytes = 4 * 1024;

    /// <summary>The default of <see cref="MaxProblemBytes"/>: 64 KiB.</summary>
    public const int DefaultMaxProblemBytes = 64 * 1024;

    /// <summary>
    /// Gets or sets a value indicating whether error handling is on: the 505 fallback to HTTP/1.1, empty (never
    /// <see langword="null"/>) content for 204 and 205, and these options reaching <c>EnsureStatusAsync</c>.
    /// Default: <see langword="true"/>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the most bytes of an error body read into <see cref="HttpStatusException.BodyExcerpt"/>; the rest of
    /// the body is never read. Default: 4096 (4 KiB). Range: 0 to 1 MiB.
    /// </summary>
    [Range(0, 1024 * 1024)]
    public int MaxBodyExcerptBytes { get; set; } = DefaultMaxBodyExcerptBytes;

    /// <summary>
    /// Gets or sets the most bytes of an <c>application/problem+json</c> body read to parse
    /// <see cref="HttpStatusException.Problem"/>; a longer document is not parsed (the excerpt is still kept).
    /// Default: 65536 (64 KiB). Range: 0 to 16 MiB.
    /// </summary>
    [Range(0, 16 * 1024 * 1024)]
    public int MaxProblemBytes { get; set; } = DefaultMaxProblemBytes;

    /// <summary>
    /// Gets or sets a value indicating whether a request sent as HTTP/2 or HTTP/3 with
    /// <see cref="HttpVersionPolicy.RequestVersionOrLower"/> that is answered 505 (HTTP Version Not Supported) is sent
    /// once more as HTTP/1.1, when its body can be sent again. Default: <see langword="true"/>.
    /// </summary>
    public bool FallBackToHttp11On505 { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the client throws <see cref="HttpStatusException"/> for every 4xx and
    /// 5xx response it would otherwise return (after redirects, authentication, the cache and retries had their turn),
    /// as if the caller had called <c>EnsureStatusAsync</c>. Default: <see langword="false"/>: responses are returned.
    /// </summary>
    public bool ThrowOnErrorStatus { get; set; }
}
