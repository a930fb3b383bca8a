using System.ComponentModel.DataAnnotations;

namespace StatusAwareHttp;

/// <summary>
/// Options of the deprecation notices: the <c>Deprecation</c> field (RFC 9745), the <c>Sunset</c> field (RFC 8594) and
/// their <c>Link</c> relations (<c>deprecation</c>, <c>sunset</c>, <c>successor-version</c>). A response that carries
/// one is counted, tagged on the request's span and, once per client, method and route, logged as a warning.
/// </summary>
public sealed class DeprecationOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether deprecation notices are read, logged, counted and traced.
    /// Default: <see langword="true"/>. <c>response.GetDeprecation()</c> reads the fields either way.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a response whose <c>Sunset</c> date has passed (by the client's
    /// <see cref="TimeProvider"/>) throws <see cref="SunsetPassedException"/> instead of being returned, for test suites
    /// and staging environments that must not depend on retired endpoints. Default: <see langword="false"/>.
    /// </summary>
    public bool FailAfterSunset { get; set; }

    /// <summary>
    /// Gets or sets how many routes (method and route template) the client remembers having warned about; past it the
    /// oldest is forgotten, and warned about again if it answers with a notice again. Default: 1000. Range: 1 to 1000000.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxRoutesRemembered { get; set; } = 1000;
}
