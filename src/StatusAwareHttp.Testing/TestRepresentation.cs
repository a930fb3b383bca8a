using System.Security.Cryptography;
using System.Text;

namespace StatusAwareHttp.Testing;

/// <summary>
/// A representation a <see cref="TestOrigin"/> route answers with: its body, media type, caching fields and validators.
/// Its strong entity tag is derived from its content (media type, encoding and body), so a changed representation has a
/// changed <see cref="ETag"/>, while a change of its other fields alone (<see cref="CacheControl"/>, <see cref="Headers"/>)
/// keeps it, as an origin's metadata update does. Build one with <see cref="Text"/>, <see cref="Json"/> or <see cref="Bytes"/> and change it
/// with <c>with</c>.
/// </summary>
public sealed record TestRepresentation
{
    /// <summary>Gets the body. Default: empty.</summary>
    public ReadOnlyMemory<byte> Body { get; init; } = ReadOnlyMemory<byte>.Empty;

    /// <summary>Gets the <c>Content-Type</c>. Default: <c>application/octet-stream</c>.</summary>
    public string MediaType { get; init; } = "application/octet-stream";

    /// <summary>Gets the <c>Cache-Control</c> field, such as <c>max-age=60</c>. Default: <see langword="null"/>, none sent.</summary>
    public string? CacheControl { get; init; }

    /// <summary>Gets the <c>Vary</c> field, such as <c>Accept-Language</c>. Default: <see langword="null"/>, none sent.</summary>
    public string? Vary { get; init; }

    /// <summary>
    /// Gets the <c>Last-Modified</c> time. Default: <see langword="null"/>: the origin's clock (to the second) when the
    /// route was given this representation.
    /// </summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>Gets a value indicating whether the <c>ETag</c> field is sent. Default: <see langword="true"/>.</summary>
    public bool SendETag { get; init; } = true;

    /// <summary>Gets a value indicating whether the <c>Last-Modified</c> field is sent. Default: <see langword="true"/>.</summary>
    public bool SendLastModified { get; init; } = true;

    /// <summary>Gets a value indicating whether the entity tag is weak (<c>W/"..."</c>). Default: <see langword="false"/>.</summary>
    public bool WeakETag { get; init; }

    /// <summary>
    /// Gets other response fields sent with the representation (and with its 304 and 206 answers), such as
    /// <c>Expires</c> or <c>Content-Language</c>. Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets the entity tag, with its quotes: a strong tag made from a SHA-256 of the media type and the body; <c>W/</c> in
    /// front when <see cref="WeakETag"/> is set.
    /// </summary>
    public string ETag => ComputeETag();

    /// <summary>A text representation.</summary>
    /// <param name="text">The body, encoded as UTF-8.</param>
    /// <param name="mediaType">The <c>Content-Type</c>. Default: <c>text/plain; charset=utf-8</c>.</param>
    /// <param name="cacheControl">The <c>Cache-Control</c> field. Default: <see langword="null"/>, none sent.</param>
    /// <returns>The representation.</returns>
    public static TestRepresentation Text(string text, string mediaType = "text/plain; charset=utf-8", string? cacheControl = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new TestRepresentation { Body = Encoding.UTF8.GetBytes(text), MediaType = mediaType, CacheControl = cacheControl };
    }

    /// <summary>A JSON representation (<c>application/json</c>).</summary>
    /// <param name="json">The JSON text, encoded as UTF-8.</param>
    /// <param name="cacheControl">The <c>Cache-Control</c> field. Default: <see langword="null"/>, none sent.</param>
    /// <returns>The representation.</returns>
    public static TestRepresentation Json(string json, string? cacheControl = null) =>
        Text(json, "application/json", cacheControl);

    /// <summary>A binary representation.</summary>
    /// <param name="body">The body (not copied).</param>
    /// <param name="mediaType">The <c>Content-Type</c>. Default: <c>application/octet-stream</c>.</param>
    /// <param name="cacheControl">The <c>Cache-Control</c> field. Default: <see langword="null"/>, none sent.</param>
    /// <returns>The representation.</returns>
    public static TestRepresentation Bytes(ReadOnlyMemory<byte> body, string mediaType = "application/octet-stream", string? cacheControl = null) =>
        new() { Body = body, MediaType = mediaType, CacheControl = cacheControl };

    /// <summary>Gets the body as UTF-8 text.</summary>
    /// <returns>The text.</returns>
    public string BodyText() => Encoding.UTF8.GetString(Body.Span);

    private string ComputeETag()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(MediaType + "\n"));
        hash.AppendData(Body.Span);
        var tag = "\"" + Convert.ToBase64String(hash.GetHashAndReset(), 0, 12).Replace('+', '-').Replace('/', '_') + "\"";
        return WeakETag ? "W/" + tag : tag;
    }
}
