namespace StatusAwareHttp.Testing.Har;

/// <summary>
/// RFC 9110 §5.6.2 tokens and §5.5 field values: a file whose names or values hold what no HTTP message can is refused
/// when read. Values beyond ASCII (a browser's decoded <c>Content-Disposition</c>) are read; replay leaves them out.
/// </summary>
internal static class HeaderSyntax
{
    private const string TokenSymbols = "!#$%&'*+-.^_`|~";

    public static bool IsToken(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !TokenSymbols.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsAscii(string text) => System.Text.Ascii.IsValid(text);

    public static bool IsFieldValue(string text)
    {
        foreach (var c in text)
        {
            if ((c < ' ' && c != '\t') || c == '\u007F')
            {
                return false;
            }
        }

        return true;
    }
}
