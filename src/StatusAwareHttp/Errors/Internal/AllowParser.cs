namespace StatusAwareHttp.Errors.Internal;

/// <summary>Parses <c>Allow</c> (RFC 9110 §10.2.1): <c>#method</c>, methods being case-sensitive tokens. Pure.</summary>
internal static class AllowParser
{
    /// <summary>The methods of every field line, in order, each once; elements that are not tokens are skipped.</summary>
    public static IReadOnlyList<string> Parse(IEnumerable<string> fieldValues)
    {
        List<string>? methods = null;
        foreach (var value in fieldValues)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                var element = value.AsSpan(range).Trim(" \t");

                // §5.6.1: empty list elements are ignored.
                if (element.IsEmpty)
                {
                    continue;
                }

                // §9.1: method = token; anything else is not a method.
                if (!IsToken(element))
                {
                    continue;
                }

                var method = element.ToString();

                // §9.1: method names are case-sensitive, so "get" and "GET" are two methods.
                methods ??= [];
                if (!methods.Contains(method, StringComparer.Ordinal))
                {
                    methods.Add(method);
                }
            }
        }

        return methods is null ? [] : methods;
    }

    private static bool IsToken(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!ChallengeParser.IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }
}
