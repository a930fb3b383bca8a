using System.ComponentModel.DataAnnotations;

namespace StatusAwareHttp;

/// <summary>Options of the redirect rules (RFC 9110 §15.4).</summary>
public sealed class RedirectOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether 301, 302, 303, 307 and 308 are followed. Default: <see langword="true"/>.
    /// When off, every 3xx is handed back to the caller (the primary handler's own redirect following stays off).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the most redirects followed for one request; one more throws
    /// <see cref="RedirectLimitExceededException"/>. Default: 20 (as in the Fetch standard). Range: 0 to 100.
    /// </summary>
    [Range(0, 100)]
    public int MaxRedirects { get; set; } = 20;

    /// <summary>
    /// Gets or sets a value indicating whether a redirect from https to http is followed. Default: <see langword="false"/>:
    /// the 3xx is handed back and a warning logged.
    /// </summary>
    public bool AllowHttpsToHttp { get; set; }

    /// <summary>
    /// Gets or sets a callback asked before each hop; returning <see langword="false"/> vetoes the hop and hands the
    /// 3xx back to the caller. Default: <see langword="null"/> (every hop the rules allow is followed).
    /// </summary>
    public Func<RedirectContext, bool>? ShouldFollow { get; set; }
}
