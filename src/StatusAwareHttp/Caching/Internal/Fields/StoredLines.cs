using System.Runtime.CompilerServices;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The header lines an entry keeps while it is stored: an array of exactly their number (no list, no spare
/// capacity), each name and value replaced by an equal string already held by another entry when one was seen
/// recently, so that the lines most responses repeat (<c>Content-Type</c>, <c>Cache-Control</c>, the <c>Date</c> of
/// the same second, a custom field's name) are held once rather than once per entry.
/// </summary>
/// <remarks>
/// The pool of recent strings is a fixed table indexed by hash, each slot replaced by the last string that fell in
/// it: bounded (a few KiB at most held alive), lock-free (a slot is one reference), and never wrong (a slot is used
/// only when its string is equal).
/// </remarks>
internal static class StoredLines
{
    private const int Slots = 1024;

    /// <summary>Values longer than this are seldom repeated (tokens, long lists): they are kept as they are.</summary>
    private const int MaxPooledLength = 96;

    private const int TargetSlots = 64;

    private const int LayoutSlots = 256;

    private static readonly string?[] s_pool = new string?[Slots];
    private static readonly Layout?[] s_layouts = new Layout?[LayoutSlots];
    private static readonly HeaderTarget[]?[] s_targets = new HeaderTarget[]?[TargetSlots];

    /// <summary>
    /// The lines of <paramref name="lines"/> as an array to store, their strings shared where equal; an array (as
    /// <see cref="CacheHeaders.Capture"/> makes) is that array, its strings replaced in place by equal ones.
    /// </summary>
    public static KeyValuePair<string, string>[] Compact(IReadOnlyList<KeyValuePair<string, string>> lines)
    {
        var stored = lines as KeyValuePair<string, string>[] ?? new KeyValuePair<string, string>[lines.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            var (name, value) = (lines[i].Key, lines[i].Value);
            stored[i] = new(Share(name), Share(value));
        }

        return stored;
    }

    /// <summary>
    /// The targets of a response's lines (<see cref="ResponseFields.Targets"/>), an equal array seen recently when there
    /// is one: responses of one origin mostly share their layout. The arrays are never written once made.
    /// </summary>
    public static HeaderTarget[] ShareTargets(HeaderTarget[] targets)
    {
        if (targets.Length == 0)
        {
            return [];
        }

        var hash = default(HashCode);
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(targets.AsSpan()));
        var slot = (int)((uint)hash.ToHashCode() % TargetSlots);
        var known = Volatile.Read(ref s_targets[slot]);
        if (known is not null && known.AsSpan().SequenceEqual(targets))
        {
            return known;
        }

        Volatile.Write(ref s_targets[slot], targets);
        return targets;
    }

    /// <summary>
    /// The lines and parsed view of an entry to store: those of an entry stored recently when its status and lines are
    /// the same strings (what <see cref="Compact"/> and <see cref="Share(KeyValuePair{string, string})"/> make of equal
    /// lines), so that responses of one origin that differ only in their body (the same fields, the <c>Date</c> of the
    /// same second) hold one array of lines and one parsed view between them. Both are never written once made.
    /// </summary>
    public static void ShareLayout(ref IReadOnlyList<KeyValuePair<string, string>> headers, ref ResponseFields parsed)
    {
        if (headers is not KeyValuePair<string, string>[] lines || lines.Length == 0 || parsed.Unreadable is not null)
        {
            return;
        }

        // Hashed by the strings' identity: equal lines from the pool are the same strings, and identity is cheap.
        var hash = new HashCode();
        hash.Add(parsed.StatusCode);
        foreach (var line in lines)
        {
            hash.Add(RuntimeHelpers.GetHashCode(line.Key));
            hash.Add(RuntimeHelpers.GetHashCode(line.Value));
        }

        var slot = (int)((uint)hash.ToHashCode() % LayoutSlots);
        var known = Volatile.Read(ref s_layouts[slot]);
        if (known is not null && known.Parsed.StatusCode == parsed.StatusCode && SameStrings(known.Lines, lines))
        {
            (headers, parsed) = (known.Lines, known.Parsed);
            return;
        }

        Volatile.Write(ref s_layouts[slot], new Layout(lines, parsed));
    }

    private static bool SameStrings(KeyValuePair<string, string>[] a, KeyValuePair<string, string>[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!ReferenceEquals(a[i].Key, b[i].Key) || !ReferenceEquals(a[i].Value, b[i].Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One line to store, its name and value shared as <see cref="Compact"/> shares them.</summary>
    public static KeyValuePair<string, string> Share(KeyValuePair<string, string> line) => new(Share(line.Key), Share(line.Value));

    private static string Share(string text)
    {
        if (text is null || text.Length is 0 or > MaxPooledLength)
        {
            return text!;
        }

        var slot = (int)((uint)string.GetHashCode(text, StringComparison.Ordinal) % Slots);
        var known = Volatile.Read(ref s_pool[slot]);
        if (known is not null && string.Equals(known, text, StringComparison.Ordinal))
        {
            return known;
        }

        Volatile.Write(ref s_pool[slot], text);
        return text;
    }

    /// <summary>A stored entry's lines with their parsed view.</summary>
    private sealed class Layout(KeyValuePair<string, string>[] lines, ResponseFields parsed)
    {
        public KeyValuePair<string, string>[] Lines { get; } = lines;

        public ResponseFields Parsed { get; } = parsed;
    }
}
