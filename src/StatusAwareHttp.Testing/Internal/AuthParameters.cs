namespace StatusAwareHttp.Testing.Internal;

/// <summary>Reads the auth-params of a credentials value (RFC 9110 §11.2): <c>name=token</c> or <c>name="quoted"</c>, comma-separated. Pure.</summary>
internal static class AuthParameters
{
    public static Dictionary<string, string> Parse(ReadOnlySpan<char> text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ',' || text[i] == '\t'))
            {
                i++;
            }

            var nameStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',')
            {
                i++;
            }

            var name = text[nameStart..i].Trim().ToString();
            if (i >= text.Length || text[i] != '=')
            {
                continue;
            }

            i++;
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            string value;
            if (i < text.Length && text[i] == '"')
            {
                i++;
                var chars = new System.Text.StringBuilder();
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    chars.Append(text[i]);
                    i++;
                }

                i++;
                value = chars.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && text[i] != ',')
                {
                    i++;
                }

                value = text[valueStart..i].Trim().ToString();
            }

            if (name.Length > 0)
            {
                result[name] = value;
            }
        }

        return result;
    }
}
