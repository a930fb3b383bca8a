using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Retries.Internal.RateLimit;

/// <summary>
/// One service limit item of the <c>RateLimit</c> field (draft-ietf-httpapi-ratelimit-headers-11 §4.1): the policy it
/// names, the available quota <c>r</c> (§4.1.1), the effective window <c>t</c> in seconds (§4.1.2, when sent) and
/// whether it carries a partition key <c>pk</c> (§4.1.3).
/// </summary>
internal readonly record struct ServiceLimit(string Policy, long Remaining, long? ResetSeconds, bool Partitioned);

/// <summary>
/// One quota policy item of the <c>RateLimit-Policy</c> field (§3.1): its name, its quota <c>q</c> (§3.1.1), its window
/// <c>w</c> in seconds (§3.1.3, when sent) and whether it carries a partition key <c>pk</c> (§3.1.4).
/// </summary>
internal readonly record struct QuotaPolicy(string Name, long Quota, long? WindowSeconds, bool Partitioned);

/// <summary>
/// Parses <c>RateLimit</c> and <c>RateLimit-Policy</c> as Structured Field Lists (RFC 9651 §4.2.1), on the
/// <see cref="StructuredFieldReader"/> that also reads <c>Cache-Status</c>. A field that breaks the syntax, or one of
/// the draft's rules for its items (a String item, §3 and §4.1; a required non-negative Integer <c>q</c> or <c>r</c>;
/// <c>w</c> a positive and <c>t</c> a non-negative Integer; <c>pk</c> a Byte Sequence), is malformed as a whole and
/// ignored (§7: "Malformed RateLimit header fields MUST be ignored"). Pure; nothing throws, whatever the text.
/// </summary>
internal static class RateLimitFieldParser
{
    /// <summary>The longest window or reset we represent, in seconds (ten years); larger values are clamped to it.</summary>
    public const long MaxSeconds = 10L * 365 * 24 * 3600;

    /// <summary>Parses the <c>RateLimit</c> field lines (§4; a list may be split over several lines, RFC 9651 §3.1).</summary>
    /// <returns><see langword="false"/> when the field is malformed (nothing is read from it).</returns>
    public static bool TryParseLimits(IEnumerable<string> lines, List<ServiceLimit> limits)
    {
        var start = limits.Count;
        foreach (var line in lines)
        {
            if (!ReadList(line, limits, policies: null))
            {
                limits.RemoveRange(start, limits.Count - start);
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses the <c>RateLimit-Policy</c> field lines (§3).</summary>
    /// <returns><see langword="false"/> when the field is malformed (nothing is read from it).</returns>
    public static bool TryParsePolicies(IEnumerable<string> lines, List<QuotaPolicy> policies)
    {
        var start = policies.Count;
        foreach (var line in lines)
        {
            if (!ReadList(line, limits: null, policies))
            {
                policies.RemoveRange(start, policies.Count - start);
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 9651 §4.2.1: members separated by commas with optional whitespace; SP around the whole value.</summary>
    private static bool ReadList(string line, List<ServiceLimit>? limits, List<QuotaPolicy>? policies)
    {
        var text = line.AsSpan();
        var reader = new StructuredFieldReader(text);
        reader.SkipSpaces();
        if (reader.AtEnd)
        {
            // An empty line adds no member (§4.2: an empty list field is as if absent).
            return true;
        }

        while (true)
        {
            if (!ReadMember(ref reader, text, limits, policies))
            {
                return false;
            }

            // §4.2.1: the end, or a comma and another member; anything else, or a trailing comma, fails parsing.
            if (!reader.TryNextMember(out var ended))
            {
                return false;
            }

            if (ended)
            {
                return true;
            }
        }
    }

    private static bool ReadMember(ref StructuredFieldReader reader, ReadOnlySpan<char> text, List<ServiceLimit>? limits, List<QuotaPolicy>? policies)
    {
        // §3 and §4.1: each member is an Item whose value is a String (the policy's name); never an inner list.
        if (!reader.ReadItemOrInnerList(out var item) || item.Kind != StructuredItemKind.String)
        {
            return false;
        }

        var name = text.Slice(item.Start, item.Length).ToString();
        long? quota = null;
        long? seconds = null;
        var partitioned = false;
        while (true)
        {
            if (!reader.NextParameter(out var found, out var key, out var value))
            {
                return false;
            }

            if (!found)
            {
                break;
            }

            // RFC 9651 §4.2.3.2: a repeated key overrides the earlier one. Other parameters are comments (§3.1, §4.1).
            var keyText = text.Slice(key.Start, key.Length);
            if (keyText.SequenceEqual(limits is null ? "q" : "r"))
            {
                if (value.Kind != StructuredItemKind.Integer || value.Integer < 0)
                {
                    return false;
                }

                quota = value.Integer;
            }
            else if (keyText.SequenceEqual(limits is null ? "w" : "t"))
            {
                // §3.1.3: w is a positive Integer; §4.1.2: t a non-negative Integer (delay-seconds).
                if (value.Kind != StructuredItemKind.Integer || value.Integer < (limits is null ? 1 : 0))
                {
                    return false;
                }

                seconds = Math.Min(value.Integer, MaxSeconds);
            }
            else if (keyText.SequenceEqual("pk"))
            {
                // §3.1.4, §4.1.3: the partition key MUST be a Byte Sequence.
                if (value.Kind != StructuredItemKind.ByteSequence)
                {
                    return false;
                }

                partitioned = true;
            }
        }

        // §3.1: q is REQUIRED; §4.1: r is REQUIRED.
        if (quota is not { } amount)
        {
            return false;
        }

        if (limits is not null)
        {
            limits.Add(new ServiceLimit(name, amount, seconds, partitioned));
        }
        else
        {
            policies!.Add(new QuotaPolicy(name, amount, seconds, partitioned));
        }

        return true;
    }
}
