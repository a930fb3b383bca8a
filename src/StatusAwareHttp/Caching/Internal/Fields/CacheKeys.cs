using System.Buffers;
using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// Cache keys (RFC 9111 §2, §4.1) and the secondary keys of <c>Vary</c>. A key is the method, the URI with its query
/// (without fragment), and, when the request carries credentials, a SHA-256 hash of them: a response to a request
/// with <c>Authorization</c>, <c>Proxy-Authorization</c> or <c>Cookie</c> is only served to a request with the same
/// values. Neither keys nor stored entries ever hold a credential, only its hash.
/// </summary>
internal static class CacheKeys
{
    private const string GetPrefix = "GET ";
    private const string HashPrefix = "sha256:";
    private static readonly string[] s_credentialHeaders = StatusAwareHttp.Internal.SensitiveHeaderNames.Defaults;

    /// <summary>The key of a GET of <paramref name="uri"/> in the credential partition of <paramref name="headers"/>.</summary>
    public static string ForGet(Uri uri, HttpRequestHeaders headers) => ForGet(UriText(uri), headers, s_credentialHeaders);

    /// <summary>The key of a GET of <paramref name="target"/> (as <see cref="UriText"/> gives it) in the partition of the <paramref name="credentialHeaders"/>.</summary>
    public static string ForGet(string target, HttpRequestHeaders headers, string[] credentialHeaders)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (!TryHashCredentials(headers, hash, credentialHeaders))
        {
            return string.Concat(GetPrefix, target);
        }

        Span<char> partition = stackalloc char[Base64Url.GetEncodedLength(SHA256.HashSizeInBytes)];
        Base64Url.EncodeToChars(hash, partition);
        return string.Concat(GetPrefix, target, " ", partition);
    }

    /// <summary>
    /// Writes the key <see cref="ForGet(string, HttpRequestHeaders, string[])"/> makes into <paramref name="destination"/>
    /// (for a lookup that needs no key string); false when it does not fit.
    /// </summary>
    public static bool TryWriteForGet(string target, HttpRequestHeaders headers, string[] credentialHeaders, Span<char> destination, out int written)
    {
        written = 0;
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var partitioned = TryHashCredentials(headers, hash, credentialHeaders);
        var length = GetPrefix.Length + target.Length + (partitioned ? 1 + Base64Url.GetEncodedLength(SHA256.HashSizeInBytes) : 0);
        if (length > destination.Length)
        {
            return false;
        }

        GetPrefix.CopyTo(destination);
        target.CopyTo(destination[GetPrefix.Length..]);
        if (partitioned)
        {
            destination[GetPrefix.Length + target.Length] = ' ';
            Base64Url.EncodeToChars(hash, destination[(GetPrefix.Length + target.Length + 1)..]);
        }

        written = length;
        return true;
    }

    /// <summary>The keys a change to <paramref name="uri"/> invalidates: the request's partition and the anonymous one.</summary>
    public static (string Partition, string? Anonymous) ForInvalidation(Uri uri, HttpRequestHeaders headers)
    {
        var key = ForGet(uri, headers);
        var anonymous = string.Concat(GetPrefix, UriText(uri));
        return (key, key == anonymous ? null : anonymous);
    }

    /// <summary>
    /// The URI as it is keyed: normalised by <see cref="Uri"/> (the text of <see cref="Uri.AbsoluteUri"/>), with the query
    /// and without the fragment. When the URI was given in that form already, its own string comes back: unlike
    /// <see cref="Uri.AbsoluteUri"/>, nothing is allocated to remember it.
    /// </summary>
    public static string UriText(Uri uri) => uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.Fragment, UriFormat.UriEscaped);

    /// <summary>Whether <paramref name="name"/> is a credential field, kept only as a hash.</summary>
    public static bool IsCredential(string name) => StatusAwareHttp.Internal.SensitiveHeaderNames.IsSensitive(name);

    /// <summary>
    /// The request values of the fields <paramref name="names"/> (a response's <c>Vary</c>), normalised, read from a
    /// snapshot of the request headers taken before the request was sent (inner handlers may add fields).
    /// </summary>
    public static KeyValuePair<string, string?>[] VaryValues(string[] names, RequestSnapshot request)
    {
        if (names.Length == 0)
        {
            return [];
        }

        var values = new KeyValuePair<string, string?>[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            values[i] = new(name, request.TryGet(name, out var lines) ? Normalise(name, lines) : null);
        }

        return values;
    }

    /// <summary>§4.1: whether the request presents the same values of the fields the stored response varies on.</summary>
    public static bool VaryMatches(IReadOnlyList<KeyValuePair<string, string?>> stored, HttpRequestHeaders headers)
    {
        for (var i = 0; i < stored.Count; i++)
        {
            var (name, storedValue) = (stored[i].Key, stored[i].Value);
            if (name is null)
            {
                return false;
            }

            if (!headers.NonValidated.TryGetValues(name, out var lines))
            {
                if (storedValue is not null)
                {
                    return false;
                }

                continue;
            }

            if (storedValue is null || !LinesMatch(name, lines, storedValue))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>§4.1: the most recent stored response (by <c>Date</c>, then receive time) whose Vary values match.</summary>
    public static HttpCacheEntry? Select(IReadOnlyList<HttpCacheEntry>? entries, HttpRequestHeaders headers)
    {
        if (entries is null)
        {
            return null;
        }

        HttpCacheEntry? best = null;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry is null || entry.Parsed.Unreadable is not null || entry.Parsed.VaryStar || !VaryMatches(entry.VaryHeaders, headers))
            {
                continue;
            }

            if (best is null || IsNewer(entry, best))
            {
                best = entry;
            }
        }

        return best;
    }

    private static bool IsNewer(HttpCacheEntry a, HttpCacheEntry b)
    {
        var dateA = a.Parsed.Date ?? a.ResponseTime;
        var dateB = b.Parsed.Date ?? b.ResponseTime;
        return dateA != dateB ? dateA > dateB : a.ResponseTime >= b.ResponseTime;
    }

    private static bool LinesMatch(string name, HeaderStringValues lines, string storedValue)
    {
        if (IsCredential(name))
        {
            return HashMatches(lines, storedValue);
        }

        // A single line already in normal form compares without allocating.
        if (lines.Count == 1)
        {
            foreach (var line in lines)
            {
                if (string.Equals(line, storedValue, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return string.Equals(Normalise(name, lines), storedValue, StringComparison.Ordinal);
    }

    /// <summary>
    /// §4.1 normalisation: the field lines joined as one list, members trimmed and separated by ", ", lower-cased
    /// for the fields whose values are case-insensitive; credentials become their hash.
    /// </summary>
    public static string Normalise(string name, HeaderStringValues lines)
    {
        if (IsCredential(name))
        {
            return Hash(lines);
        }

        var lower = name.Equals("Accept-Encoding", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Accept-Charset", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Accept-Language", StringComparison.OrdinalIgnoreCase);
        var builder = new StringBuilder();
        foreach (var line in lines)
        {
            foreach (var range in line.AsSpan().Split(','))
            {
                var member = line.AsSpan(range).Trim(" \t");
                if (member.IsEmpty)
                {
                    continue;
                }

                if (builder.Length > 0)
                {
                    builder.Append(", ");
                }

                if (lower)
                {
                    foreach (var c in member)
                    {
                        builder.Append(char.ToLowerInvariant(c));
                    }
                }
                else
                {
                    builder.Append(member);
                }
            }
        }

        return builder.ToString();
    }

    private static bool TryHashCredentials(HttpRequestHeaders headers, Span<byte> hash, string[] credentialHeaders)
    {
        if (!StatusAwareHttp.Internal.FieldNames.AnyOf(headers.NonValidated, credentialHeaders))
        {
            return false;
        }

        var chars = 0;
        foreach (var name in credentialHeaders)
        {
            if (headers.NonValidated.TryGetValues(name, out var lines))
            {
                chars += name.Length + CharCount(lines);
            }
        }

        if (chars == 0)
        {
            return false;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(chars));
        var length = 0;
        foreach (var name in credentialHeaders)
        {
            if (headers.NonValidated.TryGetValues(name, out var lines))
            {
                length += Encoding.UTF8.GetBytes(name, rented.AsSpan(length));
                length += WriteLines(lines, rented.AsSpan(length));
            }
        }

        SHA256.HashData(rented.AsSpan(0, length), hash);
        ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        return true;
    }

    private static string Hash(HeaderStringValues lines)
    {
        Span<char> text = stackalloc char[HashPrefix.Length + (SHA256.HashSizeInBytes * 2)];
        WriteHash(lines, text);
        return new string(text);
    }

    private static bool HashMatches(HeaderStringValues lines, string stored)
    {
        Span<char> text = stackalloc char[HashPrefix.Length + (SHA256.HashSizeInBytes * 2)];
        WriteHash(lines, text);
        return stored.AsSpan().SequenceEqual(text);
    }

    private static void WriteHash(HeaderStringValues lines, Span<char> text)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(CharCount(lines)));
        var length = WriteLines(lines, rented);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(rented.AsSpan(0, length), hash);
        ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        HashPrefix.CopyTo(text);
        Convert.TryToHexStringLower(hash, text[HashPrefix.Length..], out _);
    }

    /// <summary>The characters <see cref="WriteLines"/> encodes: a newline before each line and a NUL after the last.</summary>
    private static int CharCount(HeaderStringValues lines)
    {
        var count = 1;
        foreach (var line in lines)
        {
            count += line.Length + 1;
        }

        return count;
    }

    private static int WriteLines(HeaderStringValues lines, Span<byte> destination)
    {
        var length = 0;
        foreach (var line in lines)
        {
            destination[length++] = (byte)'\n';
            length += Encoding.UTF8.GetBytes(line, destination[length..]);
        }

        destination[length++] = 0;
        return length;
    }
}

/// <summary>
/// The request's header lines as they were before it was sent, so that <c>Vary</c> values are those the caller
/// presented and not what inner handlers (such as automatic decompression adding <c>Accept-Encoding</c>) added later.
/// </summary>
internal sealed class RequestSnapshot
{
    private readonly KeyValuePair<string, HeaderStringValues>[] _lines;

    private RequestSnapshot(KeyValuePair<string, HeaderStringValues>[] lines)
    {
        _lines = lines;
    }

    private static readonly RequestSnapshot s_empty = new([]);

    public static RequestSnapshot Take(HttpRequestHeaders headers)
    {
        if (headers.NonValidated.Count == 0)
        {
            return s_empty;
        }

        var lines = new KeyValuePair<string, HeaderStringValues>[headers.NonValidated.Count];
        var i = 0;
        foreach (var line in headers.NonValidated)
        {
            if (i == lines.Length)
            {
                break;
            }

            lines[i++] = line;
        }

        return new RequestSnapshot(lines);
    }

    public bool TryGet(string name, out HeaderStringValues values)
    {
        foreach (var line in _lines)
        {
            if (string.Equals(line.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                values = line.Value;
                return true;
            }
        }

        values = default;
        return false;
    }
}
