using System.Globalization;

namespace StatusAwareHttp;

/// <summary>
/// What a response said about its resource's deprecation and sunset: the <c>Deprecation</c> date (RFC 9745 §2), the
/// <c>Sunset</c> date (RFC 8594 §3) and the <c>Link</c> targets of the <c>deprecation</c> (RFC 9745 §3), <c>sunset</c>
/// (RFC 8594 §6) and <c>successor-version</c> (RFC 5829 §3.6) relations. Malformed fields are left out.
/// </summary>
public sealed class DeprecationNotice
{
    internal DeprecationNotice(
        DateTimeOffset? deprecationDate,
        DateTimeOffset? sunsetDate,
        IReadOnlyList<Uri> deprecationLinks,
        IReadOnlyList<Uri> sunsetLinks,
        IReadOnlyList<Uri> successorVersionLinks)
    {
        DeprecationDate = deprecationDate;
        SunsetDate = sunsetDate;
        DeprecationLinks = deprecationLinks;
        SunsetLinks = sunsetLinks;
        SuccessorVersionLinks = successorVersionLinks;
    }

    /// <summary>
    /// Gets the date of the <c>Deprecation</c> field: in the past, the resource has been deprecated since then; in the
    /// future, it will be (RFC 9745 §2.1). <see langword="null"/> when the field is absent or malformed.
    /// </summary>
    public DateTimeOffset? DeprecationDate { get; }

    /// <summary>
    /// Gets the date of the <c>Sunset</c> field, when the resource is expected to become unresponsive; a date in the
    /// past means it may stop answering at any time (RFC 8594 §3). <see langword="null"/> when absent or malformed.
    /// </summary>
    public DateTimeOffset? SunsetDate { get; }

    /// <summary>Gets the targets of <c>Link</c> values with <c>rel="deprecation"</c> (documentation of the deprecation), resolved against the request URI.</summary>
    public IReadOnlyList<Uri> DeprecationLinks { get; }

    /// <summary>Gets the targets of <c>Link</c> values with <c>rel="sunset"</c> (the sunset policy), resolved against the request URI.</summary>
    public IReadOnlyList<Uri> SunsetLinks { get; }

    /// <summary>Gets the targets of <c>Link</c> values with <c>rel="successor-version"</c> (what replaces the resource), resolved against the request URI.</summary>
    public IReadOnlyList<Uri> SuccessorVersionLinks { get; }

    /// <summary>Gets a value indicating whether the <c>Sunset</c> date is earlier than the <c>Deprecation</c> date, which RFC 9745 §4 forbids (ask the resource's developer).</summary>
    public bool SunsetBeforeDeprecation => SunsetDate < DeprecationDate;

    /// <summary>Returns the dates in ISO 8601 and the number of links, for logs and debuggers.</summary>
    /// <returns>A one-line description.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"Deprecation: {DeprecationDate?.ToString("u", CultureInfo.InvariantCulture) ?? "none"}, Sunset: {SunsetDate?.ToString("u", CultureInfo.InvariantCulture) ?? "none"}, links: {DeprecationLinks.Count} deprecation, {SunsetLinks.Count} sunset, {SuccessorVersionLinks.Count} successor-version");
}
