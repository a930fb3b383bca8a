using System.Buffers;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The secondary keys of <c>Vary</c> (RFC 9111 §4.1): the request's values of the fields a response varies on,
/// normalised (credentials as their hash, never their values), whether a later request presents the same, and which
/// stored variant a request selects.
/// </summary>
internal static class CacheVary
{
    private const string HashPrefix = "sha256:";

    /// <summary>
    /// The request values of the fields <paramref name="names"/> (a response's <c>Vary</c>), normalised, read from a
    /// snapshot of the request headers taken before the request was sent (inner handlers may add fields).
    /// </summary>
    public static KeyValuePair<string, string?>[] Values(string[] names, RequestSnapshot request)
    {
        if (names.Length == 0)
        {
            return [];
        }

        var values = new KeyValuePair<string, string?>[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            values[i] = new(name, request.TryGet(name, out var lines) ? Normalise(name, lines) : null);
        }

        return values;
    }

    /// <summary>§4.1: whether the request presents the same values of the fields the stored response varies on.</summary>
    public static bool Matches(IReadOnlyList<KeyValuePair<string, string?>> stored, HttpRequestHeaders headers)
    {
        for (var i = 0; i < stored.Count; i++)
        {
            var (name, storedValue) = (stored[i].Key, stored[i].Value);
            if (name is null)
            {
                return false;
            }

            if (!headers.NonValidated.TryGetValues(name, out var lines))
            {
                if (storedValue is not null)
                {
                    return false;
                }

                continue;
            }

            if (storedValue is null || !LinesMatch(name, lines, storedValue))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>§4.1: the most recent stored response (by <c>Date</c>, then receive time) whose Vary values match.</summary>
    public static HttpCacheEntry? Select(IReadOnlyList<HttpCacheEntry>? entries, HttpRequestHeaders headers)
    {
        if (entries is null)
        {
            return null;
        }

        HttpCacheEntry? best = null;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry is null || entry.Parsed.Unreadable is not null || entry.Parsed.VaryStar || !Matches(entry.VaryHeaders, headers))
            {
                continue;
            }

            if (best is null || IsNewer(entry, best))
            {
                best = entry;
            }
        }

        return best;
    }

    private static bool IsNewer(HttpCacheEntry a, HttpCacheEntry b)
    {
        var dateA = a.Parsed.Date ?? a.ResponseTime;
        var dateB = b.Parsed.Date ?? b.ResponseTime;
        return dateA != dateB ? dateA > dateB : a.ResponseTime >= b.ResponseTime;
    }

    private static bool LinesMatch(string name, HeaderStringValues lines, string storedValue)
    {
        if (CacheKeys.IsCredential(name))
        {
            return HashMatches(lines, storedValue);
        }

        // A single line already in normal form compares without allocating.
        if (lines.Count == 1)
        {
            foreach (var line in lines)
            {
                if (string.Equals(line, storedValue, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return string.Equals(Normalise(name, lines), storedValue, StringComparison.Ordinal);
    }

    /// <summary>
    /// §4.1 normalisation: the field lines joined as one list, members trimmed and separated by ", ", lower-cased
    /// for the fields whose values are case-insensitive; credentials become their hash.
    /// </summary>
    public static string Normalise(string name, HeaderStringValues lines)
    {
        if (CacheKeys.IsCredential(name))
        {
            return Hash(lines);
        }

        var lower = name.Equals("Accept-Encoding", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Accept-Charset", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Accept-Language", StringComparison.OrdinalIgnoreCase);
        var builder = new StringBuilder();
        foreach (var line in lines)
        {
            foreach (var range in line.AsSpan().Split(','))
            {
                var member = line.AsSpan(range).Trim(" \t");
                if (member.IsEmpty)
                {
                    continue;
                }

                if (builder.Length > 0)
                {
                    builder.Append(", ");
                }

                if (lower)
                {
                    foreach (var c in member)
                    {
                        builder.Append(char.ToLowerInvariant(c));
                    }
                }
                else
                {
                    builder.Append(member);
                }
            }
        }

        return builder.ToString();
    }

    private static string Hash(HeaderStringValues lines)
    {
        Span<char> text = stackalloc char[HashPrefix.Length + (SHA256.HashSizeInBytes * 2)];
        WriteHash(lines, text);
        return new string(text);
    }

    private static bool HashMatches(HeaderStringValues lines, string stored)
    {
        Span<char> text = stackalloc char[HashPrefix.Length + (SHA256.HashSizeInBytes * 2)];
        WriteHash(lines, text);
        return stored.AsSpan().SequenceEqual(text);
    }

    private static void WriteHash(HeaderStringValues lines, Span<char> text)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(CacheKeys.CharCount(lines)));
        var length = CacheKeys.WriteLines(lines, rented);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(rented.AsSpan(0, length), hash);
        ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        HashPrefix.CopyTo(text);
        Convert.TryToHexStringLower(hash, text[HashPrefix.Length..], out _);
    }
}
