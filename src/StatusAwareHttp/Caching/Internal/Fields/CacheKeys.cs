using System.Buffers;
using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// Cache keys (RFC 9111 §2; the secondary keys of <c>Vary</c> are <see cref="CacheVary"/>'s). A key is the method,
/// the URI with its query (without fragment), and, when the request carries credentials, a SHA-256 hash of them: a
/// response to a request with <c>Authorization</c>, <c>Proxy-Authorization</c> or <c>Cookie</c> is only served to a
/// request with the same values. Neither keys nor stored entries ever hold a credential, only its hash.
/// </summary>
internal static class CacheKeys
{
    private const string GetPrefix = "GET ";
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
    /// The key of a query (RFC 10008 §2.7) of <paramref name="target"/> in the partition of the
    /// <paramref name="credentialHeaders"/>: <c>METHOD target #digest[ partition]</c>, where <paramref name="digest"/> is
    /// <see cref="QueryKey.Digest"/>'s (the content never appears in clear).
    /// </summary>
    public static string ForQuery(string method, string target, string digest, HttpRequestHeaders headers, string[] credentialHeaders)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (!TryHashCredentials(headers, hash, credentialHeaders))
        {
            return string.Concat(method, " ", target, " #", digest);
        }

        Span<char> partition = stackalloc char[Base64Url.GetEncodedLength(SHA256.HashSizeInBytes)];
        Base64Url.EncodeToChars(hash, partition);
        return string.Concat(string.Concat(method, " ", target, " #"), digest, " ", partition);
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

    /// <summary>The characters <see cref="WriteLines"/> encodes: a newline before each line and a NUL after the last.</summary>
    public static int CharCount(HeaderStringValues lines)
    {
        var count = 1;
        foreach (var line in lines)
        {
            count += line.Length + 1;
        }

        return count;
    }

    /// <summary>Writes the lines as UTF-8, each after a newline, then a NUL; the bytes written.</summary>
    public static int WriteLines(HeaderStringValues lines, Span<byte> destination)
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
