using System.Globalization;

namespace StatusAwareHttp.TestPeer;

/// <summary>
/// What the peer says for the test: one line <c>#key=value</c>, or <c>#key</c> alone for a signal, on stdout among the
/// logs (the console logger's lines never start with '#'). The test side reads them with <c>PeerLines</c>
/// (tests/StatusAwareHttp.TestSupport). Lines from concurrent tasks are written whole, one at a time, and flushed.
/// </summary>
internal static class PeerOutput
{
    private static readonly Lock Gate = new();

    /// <summary>Says <c>#key=value</c>.</summary>
    public static void Say(string key, string value) => Write($"#{key}={value}");

    /// <summary>Says <c>#key=value</c> for a number, in the invariant culture.</summary>
    public static void Say(string key, long value) => Say(key, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Says <c>#key</c>, a signal with no value (<c>#ready</c>, <c>#done</c>, <c>#exited</c>).</summary>
    public static void Signal(string key) => Write("#" + key);

    private static void Write(string line)
    {
        lock (Gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
