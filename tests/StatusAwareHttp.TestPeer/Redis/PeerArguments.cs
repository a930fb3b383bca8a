using System.Globalization;

namespace StatusAwareHttp.TestPeer.Redis;

/// <summary>The peer's <c>key=value</c> arguments.</summary>
internal sealed class PeerArguments
{
    private readonly Dictionary<string, string> _values;

    private PeerArguments(Dictionary<string, string> values) => _values = values;

    public static bool TryParse(ReadOnlySpan<string> args, out PeerArguments arguments)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var arg in args)
        {
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                arguments = new PeerArguments(values);
                return false;
            }

            values[arg[..equals]] = arg[(equals + 1)..];
        }

        arguments = new PeerArguments(values);
        return true;
    }

    public string Text(string key, string? otherwise = null) =>
        _values.TryGetValue(key, out var value) ? value : otherwise ?? throw new ArgumentException($"missing {key}=");

    public TimeSpan? Milliseconds(string key) =>
        _values.TryGetValue(key, out var value) ? TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture)) : null;
}
