namespace StatusAwareHttp.Errors.Internal;

/// <summary>
/// Parses <c>WWW-Authenticate</c> and <c>Proxy-Authenticate</c> field values (RFC 9110 §11.6.1, §11.3, §11.2), which
/// may hold several challenges, each with a token68 or comma-separated auth-params whose values are tokens or
/// quoted-strings. Pure. A malformed challenge ends the parse: the challenges before it are kept.
/// </summary>
internal static class ChallengeParser
{
    /// <summary>Parses every field line of <paramref name="fieldValues"/> in order.</summary>
    public static IReadOnlyList<AuthenticationChallenge> Parse(IEnumerable<string> fieldValues)
    {
        List<AuthenticationChallenge>? result = null;
        foreach (var value in fieldValues)
        {
            ParseInto(value, ref result);
        }

        return result is null ? [] : result;
    }

    /// <summary>Parses one field value.</summary>
    public static IReadOnlyList<AuthenticationChallenge> Parse(string? fieldValue)
    {
        List<AuthenticationChallenge>? result = null;
        ParseInto(fieldValue, ref result);
        return result is null ? [] : result;
    }

    private static void ParseInto(string? text, ref List<AuthenticationChallenge>? result)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        var i = 0;
        while (true)
        {
            // §5.6.1: a list may hold empty elements ("," and OWS); recipients skip them.
            SkipListSeparators(text, ref i);
            if (i >= text.Length)
            {
                return;
            }

            // challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
            var scheme = ReadToken(text, ref i);
            if (scheme is null)
            {
                return;
            }

            var spaces = SkipWhitespace(text, ref i);
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            string? token68 = null;
            if (i < text.Length && text[i] != ',' && spaces > 0)
            {
                if (TryReadToken68(text, ref i, out token68))
                {
                    // token68 stands alone: the challenge ends here.
                }
                else if (!ReadParameters(text, ref i, parameters))
                {
                    // A broken auth-param: keep what was complete and stop (the rest cannot be split reliably).
                    if (parameters.Count > 0)
                    {
                        (result ??= []).Add(new AuthenticationChallenge(scheme, null, parameters));
                    }

                    return;
                }
            }
            else if (i < text.Length && text[i] != ',')
            {
                // The scheme must be followed by SP, a comma or the end.
                return;
            }

            (result ??= []).Add(new AuthenticationChallenge(scheme, token68, parameters));
        }
    }

    /// <summary>Reads auth-params until the end or the start of the next challenge. False on a syntax error.</summary>
    private static bool ReadParameters(string text, ref int i, Dictionary<string, string> parameters)
    {
        while (true)
        {
            // auth-param = token BWS "=" BWS ( token / quoted-string )
            var name = ReadToken(text, ref i);
            if (name is null)
            {
                return false;
            }

            SkipWhitespace(text, ref i);
            if (i >= text.Length || text[i] != '=')
            {
                return false;
            }

            i++;
            SkipWhitespace(text, ref i);
            string? value;
            if (i < text.Length && text[i] == '"')
            {
                value = ReadQuotedString(text, ref i);
            }
            else
            {
                value = ReadToken(text, ref i);
            }

            if (value is null)
            {
                return false;
            }

            // §11.2: each name occurs once per challenge; a repeat is ignored so the first value wins.
            parameters.TryAdd(name, value);

            SkipWhitespace(text, ref i);
            if (i >= text.Length)
            {
                return true;
            }

            if (text[i] != ',')
            {
                return false;
            }

            // After a comma: another auth-param (token BWS "=") or the next challenge (token SP / "," / end).
            var next = i;
            SkipListSeparators(text, ref next);
            if (next >= text.Length)
            {
                i = next;
                return true;
            }

            var look = next;
            if (ReadToken(text, ref look) is null)
            {
                return false;
            }

            SkipWhitespace(text, ref look);
            if (look < text.Length && text[look] == '=')
            {
                i = next;
                continue;
            }

            i = next;
            return true;
        }
    }

    /// <summary>token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=", then the end or a comma.</summary>
    private static bool TryReadToken68(string text, ref int i, out string? token68)
    {
        token68 = null;
        var start = i;
        var j = i;
        while (j < text.Length && IsToken68Char(text[j]))
        {
            j++;
        }

        if (j == start)
        {
            return false;
        }

        while (j < text.Length && text[j] == '=')
        {
            j++;
        }

        var end = j;
        SkipWhitespace(text, ref j);
        if (j < text.Length && text[j] != ',')
        {
            // "name=value" or "name value": auth-params (or garbage), not a token68.
            return false;
        }

        token68 = text[start..end];
        i = j;
        return true;
    }

    private static string? ReadToken(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && IsTokenChar(text[i]))
        {
            i++;
        }

        return i == start ? null : text[start..i];
    }

    /// <summary>quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (§5.6.4); the backslash escapes are removed.</summary>
    private static string? ReadQuotedString(string text, ref int i)
    {
        var builder = new System.Text.StringBuilder();
        var j = i + 1;
        while (j < text.Length)
        {
            var c = text[j];
            if (c == '"')
            {
                i = j + 1;
                return builder.ToString();
            }

            if (c == '\\')
            {
                if (j + 1 >= text.Length)
                {
                    return null;
                }

                builder.Append(text[j + 1]);
                j += 2;
                continue;
            }

            builder.Append(c);
            j++;
        }

        // No closing quote.
        return null;
    }

    private static int SkipWhitespace(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && (text[i] == ' ' || text[i] == '\t'))
        {
            i++;
        }

        return i - start;
    }

    private static void SkipListSeparators(string text, ref int i)
    {
        while (i < text.Length && (text[i] == ' ' || text[i] == '\t' || text[i] == ','))
        {
            i++;
        }
    }

    // tchar (§5.6.2): "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    internal static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    private static bool IsToken68Char(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '.' or '_' or '~' or '+' or '/';
}
