using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>What the cache does with a <c>Range</c> GET that a usable stored response could answer.</summary>
internal enum RangeAction : byte
{
    /// <summary>Go to the origin (a range unit the cache does not know: the origin may).</summary>
    Origin,

    /// <summary>Serve the whole stored response, as if the request had no <c>Range</c>.</summary>
    Whole,

    /// <summary>Serve one range of the stored 200 as a 206 (<see cref="RangeDecision.First"/> to <see cref="RangeDecision.Last"/>).</summary>
    Partial,

    /// <summary>Answer 416 with <c>Content-Range: bytes */length</c>.</summary>
    Unsatisfiable,
}

/// <summary>The answer to a range request from a stored response; <see cref="First"/> and <see cref="Last"/> inclusive.</summary>
internal readonly record struct RangeDecision(RangeAction Action, long First = 0, long Last = -1, long Length = 0)
{
    public static RangeDecision Origin => new(RangeAction.Origin);

    public static RangeDecision Whole => new(RangeAction.Whole);

    /// <summary>Gets the number of bytes a partial answer carries.</summary>
    public long Count => Last - First + 1;

    /// <summary>Gets the <c>Content-Range</c> value (RFC 9110 §14.4): <c>bytes first-last/length</c>, or <c>bytes */length</c> for a 416.</summary>
    public string ContentRange => Action == RangeAction.Unsatisfiable
        ? FormattableString.Invariant($"bytes */{Length}")
        : FormattableString.Invariant($"bytes {First}-{Last}/{Length}");
}

/// <summary>
/// RFC 9110 §14 and §13.1.5, as a cache that holds the whole representation answers them: a pure function of the
/// request's <c>Range</c> and <c>If-Range</c> values, the stored response's status, validators and body length, and
/// the time. Never throws; any text gives a decision.
/// </summary>
/// <remarks>
/// One range is served as a 206. A request for several ranges is answered with the whole representation (§14.2: a
/// server MAY ignore <c>Range</c>; the cache never builds <c>multipart/byteranges</c>), or 416 when none of them is
/// satisfiable. A <c>Range</c> that does not parse is ignored (§14.2), as is one on an empty representation (§14.2).
/// </remarks>
internal static class RangeRequests
{
    /// <summary>The most range specifiers read from one request; more are answered with the whole representation.</summary>
    private const int MaxSpecs = 64;

    /// <summary>
    /// Decides the answer to a GET with <paramref name="range"/> (and <paramref name="ifRange"/>, null when absent)
    /// from a usable stored response of <paramref name="status"/>, validators <paramref name="etag"/> and
    /// <paramref name="lastModified"/> (with its <paramref name="date"/>), and a body of <paramref name="length"/> bytes.
    /// </summary>
    public static RangeDecision Decide(string range, string? ifRange, int status, string? etag, DateTimeOffset? lastModified, DateTimeOffset? date, long length, DateTimeOffset now)
    {
        // §14.2: Range is evaluated only where the answer without it would be a 200; another stored status is served whole.
        if (status != 200)
        {
            return RangeDecision.Whole;
        }

        // §13.2.2 step 5, §13.1.5: a false If-Range means the Range is ignored: the whole representation.
        if (ifRange is not null && !IfRangeHolds(ifRange, etag, lastModified, date, now))
        {
            return RangeDecision.Whole;
        }

        return Evaluate(range, length);
    }

    /// <summary>§14.1, §14.1.2: the byte ranges of <paramref name="range"/> against a representation of <paramref name="length"/> bytes.</summary>
    public static RangeDecision Evaluate(string range, long length)
    {
        var text = range.AsSpan().Trim(" \t");
        var equals = text.IndexOf('=');
        if (equals <= 0 || !IsToken(text[..equals]))
        {
            // §14.2: an invalid ranges-specifier MAY be ignored.
            return RangeDecision.Whole;
        }

        if (!text[..equals].Equals("bytes", StringComparison.OrdinalIgnoreCase))
        {
            // §14.1: unit names are case-insensitive; §14.2: one the cache does not understand is left to the origin.
            return RangeDecision.Origin;
        }

        if (length <= 0)
        {
            // §14.2: a server MAY ignore Range when the representation has no content.
            return RangeDecision.Whole;
        }

        var set = text[(equals + 1)..];
        var (specs, satisfiable) = (0, 0);
        var only = default(RangeDecision);
        foreach (var element in set.Split(','))
        {
            // §5.6.1: a list may hold empty elements and OWS around the commas.
            var spec = set[element].Trim(" \t");
            if (spec.IsEmpty)
            {
                continue;
            }

            if (++specs > MaxSpecs || !TryReadSpec(spec, length, out var satisfied, out var first, out var last))
            {
                // §14.1.1: one invalid range-spec makes the ranges-specifier invalid, which may be ignored (§14.2).
                return RangeDecision.Whole;
            }

            if (satisfied)
            {
                satisfiable++;
                only = new RangeDecision(RangeAction.Partial, first, last, length);
            }
        }

        if (specs == 0)
        {
            return RangeDecision.Whole;
        }

        if (satisfiable == 0)
        {
            // §14.1.1, §15.5.17: no satisfiable range: 416 with the current length (§14.4).
            return new RangeDecision(RangeAction.Unsatisfiable, Length: length);
        }

        // Several ranges: the whole representation (the cache makes no multipart/byteranges).
        return specs == 1 ? only : RangeDecision.Whole;
    }

    /// <summary>
    /// §14.1.1 and §14.1.2, one range-spec: <see langword="false"/> when invalid; otherwise whether it is satisfiable and
    /// the bytes it selects, <c>last</c> clamped to the representation.
    /// </summary>
    private static bool TryReadSpec(ReadOnlySpan<char> spec, long length, out bool satisfiable, out long first, out long last)
    {
        (satisfiable, first, last) = (false, 0, -1);
        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return false;
        }

        if (dash == 0)
        {
            // suffix-range = "-" suffix-length: the last N bytes, all of them when N is the length or more (§14.1.2).
            if (!TryReadNumber(spec[1..], out var suffix))
            {
                return false;
            }

            // §14.1.2: only a non-zero suffix-length is satisfiable.
            satisfiable = suffix > 0;
            (first, last) = (suffix >= length ? 0 : length - suffix, length - 1);
            return true;
        }

        if (!TryReadNumber(spec[..dash], out first))
        {
            return false;
        }

        var rest = spec[(dash + 1)..];
        if (rest.IsEmpty)
        {
            last = long.MaxValue;
        }
        else if (!TryReadNumber(rest, out last) || last < first)
        {
            // §14.1.1: an int-range whose last-pos is less than its first-pos is invalid.
            return false;
        }

        // §14.1.2: satisfiable when first-pos is less than the length; a last-pos past the end means the remainder.
        satisfiable = first < length;
        last = Math.Min(last, length - 1);
        return true;
    }

    private static bool IsToken(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!CacheDirectives.IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>1*DIGIT; a numeral too large for a long saturates (§14.1.2: large numerals must not break parsing).</summary>
    private static bool TryReadNumber(ReadOnlySpan<char> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty)
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            var digit = c - '0';
            value = value > (long.MaxValue - digit) / 10 ? long.MaxValue : (value * 10) + digit;
        }

        return true;
    }

    /// <summary>
    /// §13.1.5: the If-Range condition against the stored response. An entity-tag holds when it is strong and equals
    /// the stored one, itself strong (strong comparison, §8.8.3.2); an HTTP-date holds when it equals a stored
    /// <c>Last-Modified</c> that is strong (§8.8.2.2: the entry has a <c>Date</c> at least 60 seconds later).
    /// Anything else, or an If-Range that does not parse, is false.
    /// </summary>
    public static bool IfRangeHolds(string ifRange, string? etag, DateTimeOffset? lastModified, DateTimeOffset? date, DateTimeOffset now)
    {
        var value = ifRange.AsSpan().Trim(" \t");
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            // §13.1.5: a weak entity-tag is never a match.
            return false;
        }

        if (value.StartsWith("\"", StringComparison.Ordinal))
        {
            return value.Length >= 2 && value[^1] == '"' && !value[1..^1].Contains('"')
                && etag is not null && !etag.StartsWith("W/", StringComparison.Ordinal) && value.SequenceEqual(etag);
        }

        return lastModified is { } modified && date is { } stamped && stamped - modified >= TimeSpan.FromSeconds(60)
            && HttpDate.TryParse(value.ToString(), now, out var given) && given == modified;
    }
}
