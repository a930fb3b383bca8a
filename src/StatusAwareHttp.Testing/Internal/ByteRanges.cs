using Microsoft.Net.Http.Headers;

namespace StatusAwareHttp.Testing.Internal;

/// <summary>How a GET answers its Range field (RFC 9110 §14.2).</summary>
internal enum RangeOutcome
{
    /// <summary>No usable Range (absent, another unit, bad syntax, a failed If-Range): 200 with the whole representation.</summary>
    Full,

    /// <summary>206 with the ranges.</summary>
    Partial,

    /// <summary>416 Range Not Satisfiable, with <c>Content-Range: bytes */length</c>.</summary>
    NotSatisfiable,
}

/// <summary>A range answer: the outcome and, for <see cref="RangeOutcome.Partial"/>, the inclusive byte ranges.</summary>
internal readonly record struct RangeAnswer(RangeOutcome Outcome, IReadOnlyList<(long First, long Last)> Ranges)
{
    public static readonly RangeAnswer Full = new(RangeOutcome.Full, []);

    public static readonly RangeAnswer NotSatisfiable = new(RangeOutcome.NotSatisfiable, []);
}

/// <summary>Reads a Range field against a representation's length (RFC 9110 §14.1.2, §14.2). Pure.</summary>
internal static class ByteRanges
{
    /// <summary>The most ranges one request may ask for; more are answered with the whole representation (§14.2 allows it).</summary>
    public const int MaxRanges = 16;

    /// <summary>Decides the answer to a GET's Range field.</summary>
    /// <param name="range">The Range field value, or null.</param>
    /// <param name="ifRangeHolds">Whether an If-Range condition holds (true when none was sent).</param>
    /// <param name="length">The selected representation's length.</param>
    public static RangeAnswer Evaluate(string? range, bool ifRangeHolds, long length)
    {
        // §14.2: a server MUST ignore a Range whose If-Range fails, MAY ignore one it cannot parse or whose unit it does not know.
        if (range is null || !ifRangeHolds || !RangeHeaderValue.TryParse(range, out var parsed)
            || !string.Equals(parsed.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase) || parsed.Ranges.Count > MaxRanges)
        {
            return RangeAnswer.Full;
        }

        var satisfiable = new List<(long First, long Last)>();
        foreach (var item in parsed.Ranges)
        {
            if (item.From is { } from)
            {
                if (item.To is { } to && to < from)
                {
                    // §14.1.1: a last-pos below first-pos makes the whole range-set invalid: ignore the field.
                    return RangeAnswer.Full;
                }

                // §14.1.2: satisfiable when first-pos is below the length; last-pos is clipped to length - 1.
                if (from < length)
                {
                    satisfiable.Add((from, Math.Min(item.To ?? long.MaxValue, length - 1)));
                }
            }
            else if (item.To is { } suffix && suffix > 0 && length > 0)
            {
                // A suffix range: the last suffix bytes, all of them when the representation is shorter.
                satisfiable.Add((Math.Max(0, length - suffix), length - 1));
            }
        }

        if (satisfiable.Count == 0)
        {
            return RangeAnswer.NotSatisfiable;
        }

        return new RangeAnswer(RangeOutcome.Partial, Coalesce(satisfiable));
    }

    /// <summary>Ranges that overlap or touch become one (§14.6 lets a server coalesce them), in ascending order.</summary>
    private static List<(long First, long Last)> Coalesce(List<(long First, long Last)> ranges)
    {
        if (ranges.Count == 1)
        {
            return ranges;
        }

        ranges.Sort((a, b) => a.First.CompareTo(b.First));
        var merged = new List<(long First, long Last)> { ranges[0] };
        for (var i = 1; i < ranges.Count; i++)
        {
            var last = merged[^1];
            if (ranges[i].First <= last.Last + 1)
            {
                merged[^1] = (last.First, Math.Max(last.Last, ranges[i].Last));
            }
            else
            {
                merged.Add(ranges[i]);
            }
        }

        return merged;
    }
}
