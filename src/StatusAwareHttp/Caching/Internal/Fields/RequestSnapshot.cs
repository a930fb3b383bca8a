using System.Net.Http.Headers;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The request's header lines as they were before it was sent, so that <c>Vary</c> values are those the caller
/// presented and not what inner handlers (such as automatic decompression adding <c>Accept-Encoding</c>) added later.
/// </summary>
internal sealed class RequestSnapshot
{
    private readonly KeyValuePair<string, HeaderStringValues>[] _lines;

    private RequestSnapshot(KeyValuePair<string, HeaderStringValues>[] lines)
    {
        _lines = lines;
    }

    /// <summary>Gets the snapshot of a request without header lines.</summary>
    public static RequestSnapshot Empty { get; } = new([]);

    public static RequestSnapshot Take(HttpRequestHeaders headers)
    {
        if (headers.NonValidated.Count == 0)
        {
            return Empty;
        }

        var lines = new KeyValuePair<string, HeaderStringValues>[headers.NonValidated.Count];
        var i = 0;
        foreach (var line in headers.NonValidated)
        {
            if (i == lines.Length)
            {
                break;
            }

            lines[i++] = line;
        }

        return new RequestSnapshot(lines);
    }

    public bool TryGet(string name, out HeaderStringValues values)
    {
        foreach (var line in _lines)
        {
            if (string.Equals(line.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                values = line.Value;
                return true;
            }
        }

        values = default;
        return false;
    }
}
