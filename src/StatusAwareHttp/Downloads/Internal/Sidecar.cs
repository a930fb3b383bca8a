using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Downloads.Internal;

/// <summary>
/// What a partial file needs to be resumed by another process: which URI it came from, the validator of the
/// representation its bytes belong to, and the total length. Kept in <c>&lt;path&gt;.download</c>.
/// </summary>
/// <param name="UriHash">The SHA-256 of the absolute URI (hex), so a query holding a token is not written to disk.</param>
/// <param name="Validator">The strong validator sent in <c>If-Range</c> on resume.</param>
/// <param name="TotalLength">The total length of the representation, if the server said it.</param>
internal sealed record Sidecar(string UriHash, ResumeValidator Validator, long? TotalLength)
{
    private const string Header = "StatusAwareHttp download v1";

    /// <summary>The suffix of the sidecar's file name: <c>report.pdf</c> has <c>report.pdf.download</c>.</summary>
    public const string Suffix = ".download";

    public static string PathFor(string path) => path + Suffix;

    public static Sidecar For(Uri uri, ResumeValidator validator, long? totalLength) => new(HashUri(uri), validator, totalLength);

    public bool IsFor(Uri uri) => string.Equals(UriHash, HashUri(uri), StringComparison.Ordinal);

    public static string HashUri(Uri uri) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(uri.AbsoluteUri)));

    /// <summary>The text of the sidecar: a version line, then <c>name: value</c> lines.</summary>
    public string Format(Uri uri)
    {
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        text.Append("uri: ").Append(UriRedaction.Redact(uri)).Append('\n');
        text.Append("uri-sha256: ").Append(UriHash).Append('\n');
        if (Validator.ETag is { } eTag)
        {
            text.Append("etag: ").Append(eTag.Tag).Append('\n');
        }
        else
        {
            text.Append("last-modified: ").Append(Validator.LastModified!.Value.ToString("r", CultureInfo.InvariantCulture)).Append('\n');
        }

        if (TotalLength is { } length)
        {
            text.Append("length: ").Append(length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Reads a sidecar's text; <see langword="null"/> when it is not one this version wrote, or is damaged.</summary>
    public static Sidecar? Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || lines[0] != Header)
        {
            return null;
        }

        string? hash = null;
        EntityTagHeaderValue? eTag = null;
        DateTimeOffset? lastModified = null;
        long? length = null;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim();
            switch (name)
            {
                case "uri-sha256":
                    hash = value;
                    break;
                case "etag":
                    if (!EntityTagHeaderValue.TryParse(value, out eTag) || eTag.IsWeak)
                    {
                        return null;
                    }

                    break;
                case "last-modified":
                    if (!DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                    {
                        return null;
                    }

                    lastModified = date;
                    break;
                case "length":
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                    {
                        return null;
                    }

                    length = parsed;
                    break;
            }
        }

        if (hash is null || (eTag is null) == (lastModified is null))
        {
            return null;
        }

        return new Sidecar(hash, new ResumeValidator(eTag, eTag is null ? lastModified : null), length);
    }

    /// <summary>Reads the sidecar at <paramref name="sidecarPath"/>: <see langword="null"/> when there is none or it is unreadable.</summary>
    public static async Task<(bool Exists, Sidecar? Sidecar)> ReadAsync(string sidecarPath, CancellationToken cancellationToken)
    {
        try
        {
            var text = await File.ReadAllTextAsync(sidecarPath, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
            return (true, Parse(text));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return (false, null);
        }
    }

    /// <summary>
    /// Writes the sidecar atomically: the text goes to <c>&lt;sidecar&gt;.tmp</c>, is flushed to disk, and is renamed
    /// over the old sidecar, so a crash leaves either the old sidecar or the new one, never half of one.
    /// </summary>
    public async Task WriteAsync(string sidecarPath, Uri uri, CancellationToken cancellationToken)
    {
        var temporary = sidecarPath + ".tmp";
        var bytes = Encoding.UTF8.GetBytes(Format(uri));
        var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, sidecarPath, overwrite: true);
    }

    /// <summary>Removes the sidecar (and a leftover temporary one), if present.</summary>
    public static void Delete(string sidecarPath)
    {
        File.Delete(sidecarPath);
        File.Delete(sidecarPath + ".tmp");
    }
}
