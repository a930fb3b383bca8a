using System.Net.Http.Headers;
using System.Text;
using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Deprecation.Internal;

/// <summary>The <c>Link</c> targets of the three relations a deprecation notice names.</summary>
internal readonly record struct LinkTargets(IReadOnlyList<Uri> Deprecation, IReadOnlyList<Uri> Sunset, IReadOnlyList<Uri> SuccessorVersion)
{
    public static LinkTargets Empty => new([], [], []);
}

/// <summary>
/// Pure reading of the <c>Link</c> field (RFC 8288 §3) for the relations <c>deprecation</c> (RFC 9745 §3),
/// <c>sunset</c> (RFC 8594 §6) and <c>successor-version</c> (RFC 5829 §3.6). A malformed link-value is skipped up to
/// the next comma outside quotes and angle brackets; the others are still read. Never throws.
/// </summary>
/// <remarks>
/// Grammar, RFC 8288 §3: <c>link-value = "&lt;" URI-Reference "&gt;" *( OWS ";" OWS link-param )</c>,
/// <c>link-param = token BWS [ "=" BWS ( token / quoted-string ) ]</c>. §3.3: <c>rel</c> holds relation types
/// separated by spaces, and a second <c>rel</c> in one link-value is ignored. §2.1.1: relation types compare without
/// case. §3.1: a relative target is resolved against the base (RFC 3986 §5), here the request URI. Bounds: lines over
/// <see cref="MaxLineLength"/> characters and lines past <see cref="MaxLines"/> are ignored, and at most
/// <see cref="MaxTargetsPerRelation"/> targets are kept per relation.
/// </remarks>
internal static class LinkField
{
    public const int MaxLineLength = 16 * 1024;
    public const int MaxLines = 32;
    public const int MaxTargetsPerRelation = 8;

    private const int Deprecation = 0;
    private const int Sunset = 1;
    private const int SuccessorVersion = 2;

    /// <summary>
    /// A cheap check before parsing: whether a line could name <c>deprecation</c> or <c>sunset</c> (a
    /// <c>successor-version</c> link alone is no notice). Links of other kinds, such as pagination, cost one search.
    /// </summary>
    public static bool MayNameNoticeRelation(HeaderStringValues lines)
    {
        foreach (var line in lines)
        {
            if (line.Contains("deprecation", StringComparison.OrdinalIgnoreCase) || line.Contains("sunset", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static LinkTargets Parse(HeaderStringValues lines, Uri? baseUri)
    {
        var found = new List<Uri>?[3];
        var count = 0;
        foreach (var line in lines)
        {
            if (++count > MaxLines)
            {
                break;
            }

            ParseLine(line, baseUri, found);
        }

        return Targets(found);
    }

    /// <summary>One field line (also the combined value of several lines, joined by commas).</summary>
    public static LinkTargets Parse(string? line, Uri? baseUri)
    {
        var found = new List<Uri>?[3];
        if (line is not null)
        {
            ParseLine(line, baseUri, found);
        }

        return Targets(found);
    }

    private static LinkTargets Targets(List<Uri>?[] found) =>
        new(found[Deprecation] ?? (IReadOnlyList<Uri>)[], found[Sunset] ?? (IReadOnlyList<Uri>)[], found[SuccessorVersion] ?? (IReadOnlyList<Uri>)[]);

    private static void ParseLine(string line, Uri? baseUri, List<Uri>?[] found)
    {
        if (line.Length > MaxLineLength)
        {
            return;
        }

        var i = 0;
        while (i < line.Length)
        {
            // The list rule (RFC 9110 §5.6.1) allows empty elements and OWS around the commas.
            while (i < line.Length && line[i] is ' ' or '\t' or ',')
            {
                i++;
            }

            if (i >= line.Length)
            {
                return;
            }

            if (line[i] != '<')
            {
                i = SkipToNextValue(line, i);
                continue;
            }

            var close = line.IndexOf('>', i + 1);
            if (close < 0)
            {
                return;
            }

            var targetStart = i + 1;
            var targetLength = close - targetStart;
            i = close + 1;
            if (!ReadParameters(line, ref i, out var rel))
            {
                i = SkipToNextValue(line, i);
                continue;
            }

            if (rel is not null)
            {
                Collect(line.AsSpan(targetStart, targetLength), rel, baseUri, found);
            }
        }
    }

    /// <summary>The link-params up to the comma that ends the link-value; the first <c>rel</c>'s value, unquoted.</summary>
    private static bool ReadParameters(string line, ref int i, out string? rel)
    {
        rel = null;
        var relSeen = false;
        while (true)
        {
            SkipWhitespace(line, ref i);
            if (i >= line.Length || line[i] == ',')
            {
                return true;
            }

            if (line[i] != ';')
            {
                return false;
            }

            i++;
            SkipWhitespace(line, ref i);
            var nameStart = i;
            while (i < line.Length && CacheDirectives.IsTokenChar(line[i]))
            {
                i++;
            }

            if (i == nameStart)
            {
                return false;
            }

            var isRel = line.AsSpan(nameStart, i - nameStart).Equals("rel", StringComparison.OrdinalIgnoreCase);
            SkipWhitespace(line, ref i);
            string? value = null;
            if (i < line.Length && line[i] == '=')
            {
                i++;
                SkipWhitespace(line, ref i);
                if (!ReadValue(line, ref i, out value))
                {
                    return false;
                }
            }

            if (isRel && !relSeen)
            {
                // §3.3: occurrences after the first are ignored.
                relSeen = true;
                rel = value;
            }
        }
    }

    /// <summary>A token or a quoted-string (RFC 9110 §5.6.4: a backslash quotes the next character).</summary>
    private static bool ReadValue(string line, ref int i, out string? value)
    {
        value = null;
        if (i < line.Length && line[i] == '"')
        {
            var text = new StringBuilder();
            i++;
            while (i < line.Length)
            {
                var c = line[i++];
                if (c == '"')
                {
                    value = text.ToString();
                    return true;
                }

                if (c == '\\')
                {
                    if (i >= line.Length)
                    {
                        return false;
                    }

                    c = line[i++];
                }

                text.Append(c);
            }

            return false;
        }

        var start = i;
        while (i < line.Length && CacheDirectives.IsTokenChar(line[i]))
        {
            i++;
        }

        if (i == start)
        {
            return false;
        }

        value = line[start..i];
        return true;
    }

    private static void Collect(ReadOnlySpan<char> target, string rel, Uri? baseUri, List<Uri>?[] found)
    {
        Uri? resolved = null;
        foreach (var range in rel.AsSpan().Split(' '))
        {
            var type = rel.AsSpan(range);
            var kind = type.Equals("deprecation", StringComparison.OrdinalIgnoreCase) ? Deprecation
                : type.Equals("sunset", StringComparison.OrdinalIgnoreCase) ? Sunset
                : type.Equals("successor-version", StringComparison.OrdinalIgnoreCase) ? SuccessorVersion
                : -1;
            if (kind < 0)
            {
                continue;
            }

            resolved ??= Resolve(target, baseUri);
            if (resolved is null)
            {
                return;
            }

            var list = found[kind] ??= [];
            if (list.Count < MaxTargetsPerRelation && !list.Contains(resolved))
            {
                list.Add(resolved);
            }
        }
    }

    /// <summary>A URI-Reference (RFC 3986 §4.1: visible ASCII only) resolved against the base (§5); <see langword="null"/> if invalid.</summary>
    private static Uri? Resolve(ReadOnlySpan<char> target, Uri? baseUri)
    {
        foreach (var c in target)
        {
            if (c is <= ' ' or > '~')
            {
                return null;
            }
        }

        // A scheme decides: "/docs" is a relative reference, not the file URI .NET makes of it on Unix.
        var text = target.ToString();
        if (HasScheme(target))
        {
            return Uri.TryCreate(text, UriKind.Absolute, out var absoluteTarget) ? absoluteTarget : null;
        }

        if (!Uri.TryCreate(text, UriKind.Relative, out var uri))
        {
            return null;
        }

        return baseUri is { IsAbsoluteUri: true } && Uri.TryCreate(baseUri, uri, out var absolute) ? absolute : uri;
    }

    /// <summary>RFC 3986 §3.1: <c>scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )</c> then <c>:</c>.</summary>
    private static bool HasScheme(ReadOnlySpan<char> target)
    {
        if (target.IsEmpty || !char.IsAsciiLetter(target[0]))
        {
            return false;
        }

        for (var i = 1; i < target.Length; i++)
        {
            var c = target[i];
            if (c == ':')
            {
                return true;
            }

            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return false;
    }

    private static void SkipWhitespace(string line, ref int i)
    {
        while (i < line.Length && line[i] is ' ' or '\t')
        {
            i++;
        }
    }

    /// <summary>Past the next comma outside a quoted-string and a <c>&lt;...&gt;</c> target: where the next link-value starts.</summary>
    private static int SkipToNextValue(string line, int i)
    {
        var quoted = false;
        var bracketed = false;
        while (i < line.Length)
        {
            var c = line[i++];
            if (quoted)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
            }
            else if (bracketed)
            {
                bracketed = c != '>';
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == '<')
            {
                bracketed = true;
            }
            else if (c == ',')
            {
                return i;
            }
        }

        return line.Length;
    }
}
