namespace StatusAwareHttp.Internal;

/// <summary>
/// Which header values the library may put on a request. A received value can hold obs-text (bytes 0x80-0xFF, RFC 9110
/// §5.5), which .NET decodes to characters it then refuses to send ("Request headers must contain only ASCII
/// characters"), failing the request before it leaves the machine. The library never builds such a header: a value
/// that cannot be sent as it was received is not sent at all.
/// </summary>
internal static class HeaderText
{
    /// <summary>Whether every character is visible ASCII, space or horizontal tab (field-vchar without obs-text, and SP/HTAB).</summary>
    public static bool IsSendable(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c is (< ' ' or > '~') and not '\t')
            {
                return false;
            }
        }

        return true;
    }
}
