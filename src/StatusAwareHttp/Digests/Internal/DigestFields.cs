using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Digests.Internal;

/// <summary>The hash algorithms checked: the two RFC 9530 §7.2 registers as "Active".</summary>
internal enum DigestAlgorithm : byte
{
    Sha256,
    Sha512,
}

/// <summary>One digest a field announced: the field, the algorithm, and the expected hash.</summary>
internal readonly record struct ExpectedDigest(string Field, DigestAlgorithm Algorithm, byte[] Value)
{
    public string AlgorithmName => Algorithm == DigestAlgorithm.Sha256 ? "sha-256" : "sha-512";

    /// <summary>The digest for messages: <c>Content-Digest sha-256</c>.</summary>
    public override string ToString() => Field + " " + AlgorithmName;
}

/// <summary>
/// Pure reading of <c>Content-Digest</c> and <c>Repr-Digest</c> (RFC 9530 §2, §3): a Structured Field Dictionary
/// (RFC 8941 §3.2) whose keys are algorithms and whose values are Byte Sequences. Only <c>sha-256</c> and
/// <c>sha-512</c> are kept (§7.2: the active ones; the deprecated ones, such as <c>md5</c> and <c>sha</c>, and
/// unknown ones are ignored, as §5 lets a recipient), and only with a value of the algorithm's length. A field that
/// fails parsing is ignored whole (RFC 8941 §4.2: the field is then as absent). Never throws.
/// </summary>
internal static class DigestFields
{
    public const string ContentDigest = "Content-Digest";
    public const string ReprDigest = "Repr-Digest";
    public const string WantReprDigest = "Want-Repr-Digest";

    /// <summary>Longest field value read; a digest field of two SHA-512 values is under 300 characters.</summary>
    public const int MaxFieldLength = 4096;

    /// <summary>The preferences sent by <c>Cache.WantReprDigest</c> (RFC 9530 §4: 1 to 10, higher preferred).</summary>
    public const string WantReprDigestValue = "sha-256=10, sha-512=3";

    /// <summary>Asks the origin for a <c>Repr-Digest</c> (RFC 9530 §4), unless the caller asked already; marked as the library's, so a redirect drops it.</summary>
    public static void AskForReprDigest(HttpRequestMessage request)
    {
        if (!request.Headers.NonValidated.Contains(WantReprDigest) && request.Headers.TryAddWithoutValidation(WantReprDigest, WantReprDigestValue))
        {
            StatusAwareHttp.Internal.StatusAwareRequestOptions.MarkLibraryAdded(request, WantReprDigest);
        }
    }

    /// <summary>Adds the digests of one field's value to <paramref name="into"/>; false (nothing added) when it fails parsing.</summary>
    public static bool TryParse(string field, string? value, List<ExpectedDigest> into)
    {
        if (value is null || value.Length > MaxFieldLength)
        {
            return false;
        }

        var found = new List<ExpectedDigest>(2);
        var reader = new StructuredFieldReader(value.AsSpan());
        reader.SkipSpaces();
        if (reader.AtEnd)
        {
            return false;
        }

        // §4.2.2: member *( OWS "," OWS member ), each key [ "=" item-or-inner-list ] parameters.
        while (true)
        {
            if (!reader.ReadKey(out var key))
            {
                return false;
            }

            StructuredItem item;
            if (reader.Take('='))
            {
                if (!reader.ReadItemOrInnerList(out item))
                {
                    return false;
                }
            }
            else
            {
                item = new StructuredItem(StructuredItemKind.Boolean, 0, 0, Boolean: true);
            }

            while (true)
            {
                if (!reader.NextParameter(out var more, out _, out _))
                {
                    return false;
                }

                if (!more)
                {
                    break;
                }
            }

            var name = value.AsSpan(key.Start, key.Length);
            var algorithm = name.SequenceEqual("sha-256") ? DigestAlgorithm.Sha256 : name.SequenceEqual("sha-512") ? DigestAlgorithm.Sha512 : (DigestAlgorithm?)null;
            if (algorithm is { } known && item.Kind == StructuredItemKind.ByteSequence && Decode(value.AsSpan(item.Start, item.Length), known) is { } bytes)
            {
                // §4.2.2: a key seen again replaces the earlier value.
                found.RemoveAll(d => d.Algorithm == known);
                found.Add(new ExpectedDigest(field, known, bytes));
            }

            // §4.2.1: the end, or a comma and another member; anything else, or a trailing comma, fails parsing.
            if (!reader.TryNextMember(out var ended))
            {
                return false;
            }

            if (ended)
            {
                break;
            }
        }

        into.AddRange(found);
        return true;
    }

    /// <summary>RFC 8941 §4.2.7: base64 (padding optional on reading); the value must have the algorithm's length.</summary>
    private static byte[]? Decode(ReadOnlySpan<char> base64, DigestAlgorithm algorithm)
    {
        var length = algorithm == DigestAlgorithm.Sha256 ? 32 : 64;
        Span<char> padded = stackalloc char[90];
        if (base64.Length > 88)
        {
            return null;
        }

        base64.CopyTo(padded);
        var n = base64.Length;
        while (n % 4 != 0)
        {
            padded[n++] = '=';
        }

        var bytes = new byte[66];
        return Convert.TryFromBase64Chars(padded[..n], bytes, out var written) && written == length ? bytes[..length] : null;
    }
}
