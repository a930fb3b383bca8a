using System.Globalization;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>A single-part <c>Content-Range</c> (RFC 9110 §14.4) with a known complete length; bounds inclusive.</summary>
internal readonly record struct ContentRange(long First, long Last, long Length)
{
    public long Count => Last - First + 1;

    /// <summary>
    /// §14.4: <c>bytes first-last/complete-length</c>, the unit in any case. False for anything else: another unit, an
    /// unknown length (<c>*</c>), an unsatisfied range, or an invalid one (last under first, or not under the length),
    /// which a recipient must not combine with what it stores.
    /// </summary>
    public static bool TryParse(string? value, out ContentRange range)
    {
        range = default;
        if (value is null)
        {
            return false;
        }

        var text = value.AsSpan().Trim(" \t");
        if (text.Length < 6 || !text[..5].Equals("bytes", StringComparison.OrdinalIgnoreCase) || text[5] != ' ')
        {
            return false;
        }

        text = text[6..];
        var dash = text.IndexOf('-');
        var slash = text.IndexOf('/');
        if (dash <= 0 || slash <= dash + 1
            || !TryDigits(text[..dash], out var first)
            || !TryDigits(text[(dash + 1)..slash], out var last)
            || !TryDigits(text[(slash + 1)..], out var length)
            || last < first || last >= length)
        {
            return false;
        }

        range = new ContentRange(first, last, length);
        return true;
    }

    /// <summary>1*DIGIT that fits a long (a larger numeral is refused, never wrapped).</summary>
    private static bool TryDigits(ReadOnlySpan<char> digits, out long value) =>
        long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}

/// <summary>
/// The parts of one representation a cache holds (RFC 9111 §3.3, §3.4): disjoint, ascending runs of bytes, never
/// adjacent (adjacent runs are one), and the representation's complete length. Immutable: combining makes a new set.
/// </summary>
internal sealed class PartSet
{
    private readonly (long First, long Last)[] _runs;

    private PartSet(long length, (long First, long Last)[] runs, ReadOnlyMemory<byte> bytes)
    {
        Length = length;
        _runs = runs;
        Bytes = bytes;
    }

    /// <summary>Gets the complete length of the representation.</summary>
    public long Length { get; }

    /// <summary>Gets the runs' bytes, one after another in run order.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public IReadOnlyList<(long First, long Last)> Runs => _runs;

    /// <summary>Gets a value indicating whether every byte of the representation is held.</summary>
    public bool IsComplete => _runs.Length == 1 && _runs[0].First == 0 && _runs[0].Last == Length - 1;

    /// <summary>One part: <paramref name="bytes"/> are the <paramref name="range"/>'s bytes (as many as it counts).</summary>
    public static PartSet Of(ContentRange range, ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length != range.Count)
        {
            throw new ArgumentException("The part's bytes are not as many as its Content-Range counts.", nameof(bytes));
        }

        return new PartSet(range.Length, [(range.First, range.Last)], bytes);
    }

    /// <summary>
    /// §3.4: this set with <paramref name="part"/> added (its bytes win where they overlap held ones). The caller has
    /// checked both share one strong validator; a part of another length is not of this representation and replaces it.
    /// </summary>
    public PartSet With(ContentRange part, ReadOnlyMemory<byte> bytes)
    {
        var added = Of(part, bytes);
        if (part.Length != Length)
        {
            return added;
        }

        // Cut every held run around the new part, then merge the pieces with it in order.
        var pieces = new List<(long First, long Last, ReadOnlyMemory<byte> Bytes)>(_runs.Length + 1);
        var offset = 0;
        foreach (var (first, last) in _runs)
        {
            var run = Bytes.Slice(offset, (int)(last - first + 1));
            offset += run.Length;
            if (first < part.First)
            {
                var end = Math.Min(last, part.First - 1);
                pieces.Add((first, end, run[..(int)(end - first + 1)]));
            }

            if (last > part.Last)
            {
                var start = Math.Max(first, part.Last + 1);
                pieces.Add((start, last, run[(int)(start - first)..]));
            }
        }

        pieces.Add((part.First, part.Last, bytes));
        pieces.Sort((a, b) => a.First.CompareTo(b.First));
        var runs = new List<(long First, long Last)>(pieces.Count);
        var buffer = new byte[pieces.Sum(p => p.Bytes.Length)];
        var at = 0;
        foreach (var (first, last, piece) in pieces)
        {
            piece.CopyTo(buffer.AsMemory(at));
            at += piece.Length;
            if (runs.Count > 0 && runs[^1].Last + 1 == first)
            {
                runs[^1] = (runs[^1].First, last);
            }
            else
            {
                runs.Add((first, last));
            }
        }

        return new PartSet(Length, [.. runs], buffer);
    }

    /// <summary>The held bytes <paramref name="first"/> to <paramref name="last"/>; false when any of them is missing.</summary>
    public bool TrySlice(long first, long last, out ReadOnlyMemory<byte> bytes)
    {
        bytes = default;
        var offset = 0L;
        foreach (var run in _runs)
        {
            if (run.First <= first && last <= run.Last)
            {
                bytes = Bytes.Slice((int)(offset + first - run.First), (int)(last - first + 1));
                return true;
            }

            offset += run.Last - run.First + 1;
        }

        return false;
    }

    /// <summary>
    /// The one range to ask the origin for so that <paramref name="first"/> to <paramref name="last"/> are all held:
    /// from the first missing byte to the last missing one (held bytes between two gaps are asked again; one request).
    /// </summary>
    public (long First, long Last)? Missing(long first, long last)
    {
        long? from = null;
        long to = -1;
        var next = first;
        foreach (var run in _runs)
        {
            if (run.Last < next)
            {
                continue;
            }

            if (run.First > last)
            {
                break;
            }

            if (run.First > next)
            {
                from ??= next;
                to = run.First - 1;
            }

            next = run.Last + 1;
            if (next > last)
            {
                break;
            }
        }

        if (next <= last)
        {
            from ??= next;
            to = last;
        }

        return from is { } start ? (start, to) : null;
    }

    /// <summary>The runs as the stored line writes them: <c>0-99,200-299/1000</c>.</summary>
    public string Describe() =>
        string.Join(",", _runs.Select(r => FormattableString.Invariant($"{r.First}-{r.Last}"))) + "/" + Length.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads what <see cref="Describe"/> wrote with the bytes it describes; false when they do not agree.</summary>
    public static bool TryRead(string? description, ReadOnlyMemory<byte> bytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PartSet? parts)
    {
        parts = null;
        var slash = description?.LastIndexOf('/') ?? -1;
        if (slash <= 0 || !long.TryParse(description.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return false;
        }

        var runs = new List<(long First, long Last)>();
        var total = 0L;
        foreach (var item in description![..slash].Split(','))
        {
            var dash = item.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0
                || !long.TryParse(item.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !long.TryParse(item.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                || last < first || last >= length || (runs.Count > 0 && first <= runs[^1].Last + 1))
            {
                return false;
            }

            runs.Add((first, last));
            total += last - first + 1;
        }

        if (runs.Count == 0 || total != bytes.Length)
        {
            return false;
        }

        parts = new PartSet(length, [.. runs], bytes);
        return true;
    }
}

/// <summary>RFC 9111 §3.3-3.4: which 206 responses may be stored as parts, and which parts belong together.</summary>
internal static class PartialRules
{
    /// <summary>
    /// The strong validator the parts of one representation share (§3.4), or null when the response has none: its
    /// <c>ETag</c> when not weak, else its <c>Last-Modified</c> when strong (RFC 9110 §8.8.2.2: at least 60 seconds
    /// before its <c>Date</c>).
    /// </summary>
    public static string? StrongValidator(ResponseFields fields)
    {
        if (fields.ETag is { } etag)
        {
            return etag.StartsWith("W/", StringComparison.Ordinal) ? null : etag;
        }

        return fields.LastModified is { } modified && fields.Date is { } date && date - modified >= TimeSpan.FromSeconds(60)
            ? "date:" + HttpDate.Format(modified)
            : null;
    }

    /// <summary>The <c>If-Range</c> value that asks for bytes of the representation <paramref name="fields"/> describe (§13.1.5).</summary>
    public static string? IfRangeValue(ResponseFields fields) =>
        StrongValidator(fields) is null ? null : fields.ETag ?? fields.LastModifiedRaw;
}
