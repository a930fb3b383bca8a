using System.Security.Cryptography;

namespace StatusAwareHttp.Digests.Internal;

/// <summary>
/// The check of a body against the digests its response announced, fed as the bytes stream through (no second pass):
/// one incremental hash per algorithm announced, compared once the body has ended. One feeder; the lock only orders
/// a late append or comparison against a dispose from the thread that abandons the body.
/// </summary>
internal sealed class BodyDigest : IDisposable
{
    private readonly List<ExpectedDigest> _expected;
    private readonly IncrementalHash? _sha256;
    private readonly IncrementalHash? _sha512;
    private readonly Lock _lock = new();
    private bool _disposed;

    private BodyDigest(List<ExpectedDigest> expected)
    {
        _expected = expected;
        foreach (var digest in expected)
        {
            if (digest.Algorithm == DigestAlgorithm.Sha256)
            {
                _sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            }
            else
            {
                _sha512 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            }
        }
    }

    public IReadOnlyList<ExpectedDigest> Expected => _expected;

    /// <summary>
    /// The check of a whole (200) response's body: <c>Content-Digest</c> and <c>Repr-Digest</c> (for a whole
    /// representation its data is the content, RFC 9530 §3); <see langword="null"/> when neither announces a digest
    /// this library checks, or when the bytes read may not be the bytes digested (<see cref="MayBeDecoded"/>).
    /// </summary>
    public static BodyDigest? ForWholeBody(HttpResponseMessage response) => For(response, ContentAndRepresentation);


    /// <summary>
    /// The check of a part's (206) bytes: <c>Content-Digest</c> only (RFC 9530 §2: the digest of the content, here the
    /// part); a <c>Repr-Digest</c> on a 206 digests the whole representation (§3), which one part cannot be checked against.
    /// </summary>
    public static BodyDigest? ForContent(HttpResponseMessage response) => For(response, ContentOnly);

    private static readonly string[] ContentOnly = [DigestFields.ContentDigest];

    /// <summary>The check of a <c>Repr-Digest</c> value as kept (several lines joined by commas); null when it announces none checked here.</summary>
    public static BodyDigest? FromReprDigest(string value)
    {
        var expected = new List<ExpectedDigest>(2);
        return DigestFields.TryParse(DigestFields.ReprDigest, value, expected) && expected.Count > 0 ? new BodyDigest(expected) : null;
    }

    private static readonly string[] ContentAndRepresentation = [DigestFields.ContentDigest, DigestFields.ReprDigest];

    private static BodyDigest? For(HttpResponseMessage response, string[] fields)
    {
        // The common case first: no field, nothing to read or allocate.
        var headers = response.Headers;
        if (!headers.NonValidated.Contains(fields[0]) && (fields.Length == 1 || !headers.NonValidated.Contains(fields[1])))
        {
            return null;
        }

        if (MayBeDecoded(response))
        {
            return null;
        }

        List<ExpectedDigest>? expected = null;
        foreach (var field in fields)
        {
            if (headers.NonValidated.TryGetValues(field, out var lines))
            {
                // Several lines of one field are one Dictionary (RFC 8941 §4.2): joined by commas.
                expected ??= [];
                DigestFields.TryParse(field, lines.ToString(), expected);
            }
        }

        return expected is { Count: > 0 } ? new BodyDigest(expected) : null;
    }

    /// <summary>
    /// Both fields digest the content with its content coding applied (RFC 9530 §2, §3). When the request offered a
    /// coding (<c>Accept-Encoding</c>, which a primary handler with automatic decompression adds) and the response
    /// names none, the primary handler may have decoded the body and dropped its <c>Content-Encoding</c>: the bytes
    /// read are then not the bytes digested, and no check is made rather than a false mismatch.
    /// </summary>
    public static bool MayBeDecoded(HttpResponseMessage response)
    {
        if (response.Content is { } content && content.Headers.NonValidated.Contains("Content-Encoding"))
        {
            return false;
        }

        if (response.RequestMessage?.Headers.NonValidated.TryGetValues("Accept-Encoding", out var offered) != true)
        {
            return false;
        }

        foreach (var line in offered)
        {
            foreach (var range in line.AsSpan().Split(','))
            {
                var coding = line.AsSpan(range).Trim();
                var semicolon = coding.IndexOf(';');
                coding = (semicolon < 0 ? coding : coding[..semicolon]).Trim();
                if (!coding.IsEmpty && !coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _sha256?.AppendData(bytes);
                _sha512?.AppendData(bytes);
            }
        }
    }

    /// <summary>
    /// After the last byte: the first digest the body does not match, or null when it matches them all. Once disposed
    /// (the body was abandoned meanwhile) nothing was verified, so the first digest is answered: never stored unchecked.
    /// </summary>
    public ExpectedDigest? Mismatch()
    {
        Span<byte> sha256 = stackalloc byte[32];
        Span<byte> sha512 = stackalloc byte[64];
        lock (_lock)
        {
            if (_disposed)
            {
                return _expected[0];
            }

            _sha256?.GetHashAndReset(sha256);
            _sha512?.GetHashAndReset(sha512);
        }

        foreach (var digest in _expected)
        {
            var actual = digest.Algorithm == DigestAlgorithm.Sha256 ? sha256 : sha512;
            if (!CryptographicOperations.FixedTimeEquals(actual, digest.Value))
            {
                return digest;
            }
        }

        return null;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _sha256?.Dispose();
            _sha512?.Dispose();
        }
    }
}

/// <summary>A body that does not match a digest its response announced (RFC 9530): the message names the field and algorithm.</summary>
internal sealed class DigestMismatchException : IOException
{
    public DigestMismatchException(ExpectedDigest digest, string what)
        : base($"The response body does not match its {digest} (RFC 9530): {what}.")
    {
        Digest = digest;
    }

    public ExpectedDigest Digest { get; }
}
