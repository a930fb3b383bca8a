using System.Globalization;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The <c>Cache-Status</c> values of hits (RFC 9211 §2.1), remembered by their <c>ttl</c>: hits of the same entry
/// within the same second share one string instead of formatting a new one each. A few slots, each replaced whole
/// (a reference write), so readers need no lock.
/// </summary>
internal sealed class CacheStatusHits
{
    private const int Slots = 32;
    private readonly Value?[] _values = new Value?[Slots];
    private readonly string _identifier;

    public CacheStatusHits(string identifier)
    {
        _identifier = identifier;
    }

    /// <summary>The value for a hit whose time-to-live is <paramref name="seconds"/> (negative when stale).</summary>
    public string Get(long seconds)
    {
        var slot = (int)((ulong)seconds % Slots);
        if (Volatile.Read(ref _values[slot]) is { } known && known.Seconds == seconds)
        {
            return known.Text;
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{_identifier}; hit; ttl={seconds}");
        Volatile.Write(ref _values[slot], new Value(seconds, text));
        return text;
    }

    private sealed record Value(long Seconds, string Text);
}
