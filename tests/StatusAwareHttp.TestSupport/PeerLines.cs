namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>
/// The peer program's output protocol: what it says for the test is a line <c>#key=value</c> (or <c>#key</c> alone, a
/// signal such as <c>#ready</c>), on stdout among its logs, which never start with '#'. A key may be said many times
/// (one line per event).
/// </summary>
public static class PeerLines
{
    /// <summary>Whether <paramref name="line"/> is a protocol line of <paramref name="key"/>.</summary>
    public static bool Is(string line, string key) =>
        line.Length > key.Length && line[0] == '#' && line.AsSpan(1).StartsWith(key, StringComparison.Ordinal)
        && (line.Length == key.Length + 1 || line[key.Length + 1] == '=');

    /// <summary>The value of a protocol line (empty for a signal), or <see langword="null"/> when the line is not one.</summary>
    public static string? ValueOf(string line)
    {
        if (line.Length < 2 || line[0] != '#')
        {
            return null;
        }

        var equals = line.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? string.Empty : line[(equals + 1)..];
    }

    /// <summary>The values of every <c>#key</c> line of <paramref name="lines"/>, in order.</summary>
    public static IReadOnlyList<string> Values(IEnumerable<string> lines, string key) =>
        [.. lines.Where(line => Is(line, key)).Select(line => ValueOf(line)!)];
}
