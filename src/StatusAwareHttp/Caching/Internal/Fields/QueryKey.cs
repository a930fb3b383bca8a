using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The part of a query's cache key that comes from its content (RFC 10008 §2.7: the key "MUST incorporate the request
/// content and related metadata"): a SHA-256 of the content and of the metadata that changes its meaning, the media type
/// (§2.1: the content and its media type define the query) and the content codings, so the content is never part of a
/// stored key in clear. Pure: no I/O, never throws.
/// </summary>
/// <remarks>
/// <para>
/// The media type is compared as RFC 9110 §8.3.1 and §5.6.6 allow: type, subtype and parameter names without case, a
/// <c>charset</c> value without case, a quoted parameter value as its unquoted form. Parameter order counts, and so does
/// every other difference: a key that tells two equal queries apart costs a miss, one that merges two different queries
/// serves a wrong answer (§4).
/// </para>
/// <para>
/// One normalisation (§2.7 allows caches to remove semantically insignificant differences): the whitespace between the
/// tokens of <c>application/json</c> and <c>+json</c> content (RFC 8259 §2: space, tab, line feed, carriage return),
/// and only when the content, with no content coding, in UTF-8, is one well-formed JSON text; the bytes of every string
/// are kept as they are. A request with <c>Cache-Control: no-transform</c> is keyed by its bytes as sent (§2.7).
/// Content codings are part of the key rather than removed (the cache does not decode request content).
/// </para>
/// </remarks>
internal static class QueryKey
{
    private static readonly byte[] s_version = "StatusAwareHttp/query-key/1"u8.ToArray();

    /// <summary>The length of a digest: base64url without padding of 32 bytes.</summary>
    public static int DigestLength => Base64Url.GetEncodedLength(SHA256.HashSizeInBytes);

    /// <summary>
    /// The digest of a query's content for its cache key; null when the query is not cacheable: no media type, or one
    /// that is not a media type (§2: such a request is to be refused by the server, §2.1).
    /// </summary>
    /// <param name="content">The content as sent.</param>
    /// <param name="contentType">The <c>Content-Type</c> field value.</param>
    /// <param name="contentEncoding">The <c>Content-Encoding</c> field value(s), joined by commas; null when none.</param>
    /// <param name="normalise">False when the request said <c>no-transform</c>: the content is keyed as sent.</param>
    public static string? Digest(ReadOnlySpan<byte> content, string? contentType, string? contentEncoding, bool normalise)
    {
        if (MediaType(contentType) is not { } type)
        {
            return null;
        }

        var codings = Codings(contentEncoding);
        var json = normalise && codings.Length == 0 && IsJson(type) && IsWellFormedJson(content);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(s_version);
        AppendField(hash, Encoding.UTF8.GetBytes(type));
        AppendField(hash, Encoding.UTF8.GetBytes(codings));
        if (!json)
        {
            AppendField(hash, "raw"u8);
            AppendField(hash, content);
        }
        else
        {
            var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, content.Length));
            var length = WithoutWhitespace(content, rented);
            AppendField(hash, "json"u8);
            AppendField(hash, rented.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        hash.GetHashAndReset(digest);
        return Base64Url.EncodeToString(digest);
    }

    /// <summary>
    /// The media type as compared: <c>type/subtype</c> and each parameter <c>;name=value</c>, names and the charset
    /// value lower case, quoted values unquoted; null when <paramref name="value"/> is not a media type.
    /// </summary>
    internal static string? MediaType(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.AsSpan();
        var i = 0;
        SkipSpaces(text, ref i);
        var type = Token(text, ref i);
        if (type.IsEmpty || i >= text.Length || text[i] != '/')
        {
            return null;
        }

        i++;
        var subtype = Token(text, ref i);
        if (subtype.IsEmpty)
        {
            return null;
        }

        var builder = new StringBuilder(value.Length);
        builder.Append(type.ToString().ToLowerInvariant()).Append('/').Append(subtype.ToString().ToLowerInvariant());
        while (true)
        {
            SkipSpaces(text, ref i);
            if (i >= text.Length)
            {
                return builder.ToString();
            }

            if (text[i] != ';')
            {
                return null;
            }

            i++;
            SkipSpaces(text, ref i);
            if (i >= text.Length || text[i] == ';')
            {
                continue;
            }

            var name = Token(text, ref i).ToString().ToLowerInvariant();
            if (name.Length == 0 || i >= text.Length || text[i] != '=')
            {
                return null;
            }

            i++;
            var parameter = i < text.Length && text[i] == '"' ? Quoted(text, ref i) : Token(text, ref i).ToString();
            if (parameter is null || (parameter.Length == 0 && text[i - 1] != '"'))
            {
                return null;
            }

            builder.Append(';').Append(name).Append('=').Append(name == "charset" ? parameter.ToLowerInvariant() : parameter);
        }
    }

    /// <summary>The content codings, lower case, without <c>identity</c> and empty members, joined by commas.</summary>
    internal static string Codings(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var range in value.AsSpan().Split(','))
        {
            var coding = value.AsSpan()[range].Trim(" \t").ToString().ToLowerInvariant();
            if (coding.Length > 0 && coding != "identity")
            {
                builder.Append(builder.Length > 0 ? "," : string.Empty).Append(coding);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// <paramref name="content"/> without the whitespace outside its strings, written to <paramref name="destination"/>
    /// (at least as long); the bytes written. Only for well-formed JSON, where that whitespace is insignificant.
    /// </summary>
    internal static int WithoutWhitespace(ReadOnlySpan<byte> content, Span<byte> destination)
    {
        var length = 0;
        var inString = false;
        for (var i = 0; i < content.Length; i++)
        {
            var b = content[i];
            if (inString)
            {
                destination[length++] = b;
                if (b == (byte)'\\' && i + 1 < content.Length)
                {
                    destination[length++] = content[++i];
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                destination[length++] = b;
                inString = b == (byte)'"';
            }
        }

        return length;
    }

    /// <summary>Whether the media type is JSON in UTF-8: <c>application/json</c> or a <c>+json</c> subtype, no other charset.</summary>
    private static bool IsJson(string type)
    {
        var semicolon = type.IndexOf(';', StringComparison.Ordinal);
        var essence = semicolon < 0 ? type : type[..semicolon];
        if (!(essence == "application/json" || essence.EndsWith("+json", StringComparison.Ordinal)))
        {
            return false;
        }

        // RFC 8259 §8.1: JSON text exchanged between systems is UTF-8; anything else is keyed as sent.
        foreach (var range in type.AsSpan().Split(';'))
        {
            var parameter = type.AsSpan()[range];
            if (parameter.StartsWith("charset=", StringComparison.Ordinal) && !parameter.SequenceEqual("charset=utf-8"))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="content"/> is exactly one JSON text (RFC 8259, no comments, no trailing commas, no byte order mark).</summary>
    private static bool IsWellFormedJson(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(content, new JsonReaderOptions { MaxDepth = 256 });
            while (reader.Read())
            {
            }

            return reader.BytesConsumed > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void AppendField(IncrementalHash hash, ReadOnlySpan<byte> field)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, field.Length);
        hash.AppendData(length);
        hash.AppendData(field);
    }

    private static void SkipSpaces(ReadOnlySpan<char> text, ref int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }
    }

    private static ReadOnlySpan<char> Token(ReadOnlySpan<char> text, ref int i)
    {
        var start = i;
        while (i < text.Length && IsTokenChar(text[i]))
        {
            i++;
        }

        return text[start..i];
    }

    /// <summary>A quoted-string (RFC 9110 §5.6.4) from the opening quote at <paramref name="i"/>, unquoted; null when unterminated.</summary>
    private static string? Quoted(ReadOnlySpan<char> text, ref int i)
    {
        var builder = new StringBuilder();
        for (i++; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                i++;
                return builder.ToString();
            }

            if (c == '\\' && i + 1 < text.Length)
            {
                c = text[++i];
            }

            builder.Append(c);
        }

        return null;
    }

    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
