using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>
/// Keys in the distributed cache: the prefix, the client name, a colon, and the SHA-256 of the HTTP cache's key in
/// base64url (43 characters). The HTTP cache's key holds the URI with its query and the credential partition's hash;
/// hashing it again keeps query strings out of the shared store and its tooling, and bounds the key's length.
/// </summary>
internal static class DistributedCacheKeys
{
    public const int HashChars = 43;

    public static string For(string prefix, string clientName, string key)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(clientName);
        ArgumentNullException.ThrowIfNull(key);

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var byteCount = Encoding.UTF8.GetByteCount(key);
        var rented = byteCount <= 512 ? null : ArrayPool<byte>.Shared.Rent(byteCount);
        Span<byte> bytes = rented is null ? stackalloc byte[512] : rented;
        var written = Encoding.UTF8.GetBytes(key, bytes);
        SHA256.HashData(bytes[..written], hash);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        Span<char> encoded = stackalloc char[HashChars];
        Base64Url.EncodeToChars(hash, encoded);
        return string.Concat(prefix, clientName, ":", encoded);
    }

    /// <summary>The key the warm-up reads (never written): it cannot be any entry's, whose hash has no dash.</summary>
    public static string WarmUp(string prefix, string clientName) => string.Concat(prefix, clientName, ":warm-up");
}
