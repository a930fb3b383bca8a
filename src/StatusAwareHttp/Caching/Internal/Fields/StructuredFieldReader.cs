namespace StatusAwareHttp.Caching.Internal;

/// <summary>The kinds of bare item of RFC 8941 §3.3 (and RFC 9651's dates and display strings), and an inner list.</summary>
internal enum StructuredItemKind : byte
{
    None,
    Integer,
    Decimal,
    String,
    Token,
    ByteSequence,
    Boolean,
    Date,
    DisplayString,
    InnerList,
}

/// <summary>
/// A bare item as read: its kind, its value when an integer (or date) or a boolean, and where its text is in the line
/// (for a string, between the quotes and still escaped).
/// </summary>
internal readonly record struct StructuredItem(StructuredItemKind Kind, int Start, int Length, long Integer = 0, bool Boolean = false);

/// <summary>
/// Reads a Structured Field value (RFC 8941 §4.2) one piece at a time, by its parsing algorithms: items, inner lists
/// and parameters. Every method answers <see langword="false"/> where the algorithm says "fail parsing"; nothing
/// throws, whatever the text. Display strings (RFC 9651 §4.2.10) are checked for their characters and escapes only.
/// </summary>
internal ref struct StructuredFieldReader
{
    private readonly ReadOnlySpan<char> _text;
    private int _position;

    public StructuredFieldReader(ReadOnlySpan<char> text)
    {
        _text = text;
    }

    public readonly bool AtEnd => _position >= _text.Length;

    public bool Take(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    /// <summary>Discards SP characters (§4.2: before and after the field value; inside inner lists and parameters).</summary>
    public void SkipSpaces()
    {
        while (_position < _text.Length && _text[_position] == ' ')
        {
            _position++;
        }
    }

    /// <summary>Discards OWS (SP and HTAB) between list members (§4.2.1).</summary>
    public void SkipOptionalWhitespace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t')
        {
            _position++;
        }
    }

    /// <summary>
    /// §4.2.1 and §4.2.2, after a list or dictionary member: OWS, then the end of the field (<paramref name="ended"/>) or
    /// a comma, OWS and another member to read. False where parsing fails: anything else, or a trailing comma.
    /// </summary>
    public bool TryNextMember(out bool ended)
    {
        SkipOptionalWhitespace();
        ended = AtEnd;
        if (ended)
        {
            return true;
        }

        if (!Take(','))
        {
            return false;
        }

        SkipOptionalWhitespace();
        return !AtEnd;
    }

    /// <summary>§4.2.1.1: an item's bare item, or a whole inner list with its items' parameters (kind <see cref="StructuredItemKind.InnerList"/>).</summary>
    public bool ReadItemOrInnerList(out StructuredItem item)
    {
        if (_position < _text.Length && _text[_position] == '(')
        {
            item = new StructuredItem(StructuredItemKind.InnerList, _position, 0);
            return ReadInnerList();
        }

        return ReadBareItem(out item);
    }

    /// <summary>
    /// §4.2.3.2: the next parameter (<c>;key</c> or <c>;key=value</c>), <paramref name="found"/> false when there is none;
    /// a key without a value is the boolean true.
    /// </summary>
    public bool NextParameter(out bool found, out StructuredItem key, out StructuredItem value)
    {
        found = false;
        key = default;
        value = default;
        if (!Take(';'))
        {
            return true;
        }

        SkipSpaces();
        if (!ReadKey(out key))
        {
            return false;
        }

        if (Take('='))
        {
            if (!ReadBareItem(out value))
            {
                return false;
            }
        }
        else
        {
            value = new StructuredItem(StructuredItemKind.Boolean, _position, 0, Boolean: true);
        }

        found = true;
        return true;
    }

    /// <summary>§4.2.3.3: <c>key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" )</c>, of a parameter or a dictionary member.</summary>
    public bool ReadKey(out StructuredItem key)
    {
        key = default;
        var start = _position;
        if (AtEnd || _text[_position] is not ((>= 'a' and <= 'z') or '*'))
        {
            return false;
        }

        _position++;
        while (_position < _text.Length && _text[_position] is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.' or '*')
        {
            _position++;
        }

        key = new StructuredItem(StructuredItemKind.Token, start, _position - start);
        return true;
    }

    /// <summary>§4.2.3.1: a bare item, by its first character.</summary>
    public bool ReadBareItem(out StructuredItem item)
    {
        item = default;
        if (AtEnd)
        {
            return false;
        }

        return _text[_position] switch
        {
            '-' or (>= '0' and <= '9') => ReadNumber(out item),
            '"' => ReadString(out item),
            '*' or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') => ReadToken(out item),
            ':' => ReadByteSequence(out item),
            '?' => ReadBoolean(out item),
            '@' => ReadDate(out item),
            '%' => ReadDisplayString(out item),
            _ => false,
        };
    }

    /// <summary>§4.2.1.2: <c>(</c> items separated by SP <c>)</c>, then the list's parameters; all read and dropped.</summary>
    private bool ReadInnerList()
    {
        _position++;
        while (!AtEnd)
        {
            SkipSpaces();
            if (Take(')'))
            {
                return SkipParameters();
            }

            if (!ReadBareItem(out _) || !SkipParameters() || AtEnd || _text[_position] is not (' ' or ')'))
            {
                return false;
            }
        }

        return false;
    }

    private bool SkipParameters()
    {
        while (true)
        {
            if (!NextParameter(out var found, out _, out _))
            {
                return false;
            }

            if (!found)
            {
                return true;
            }
        }
    }

    /// <summary>§4.2.4: an integer of up to 15 digits, or a decimal of up to 12 integer and 3 fraction digits.</summary>
    private bool ReadNumber(out StructuredItem item)
    {
        item = default;
        var start = _position;
        var negative = Take('-');
        if (AtEnd || !char.IsAsciiDigit(_text[_position]))
        {
            return false;
        }

        long value = 0;
        var digits = 0;
        var dot = -1;
        while (!AtEnd)
        {
            var c = _text[_position];
            if (char.IsAsciiDigit(c))
            {
                if (++digits > 15)
                {
                    return false;
                }

                if (dot < 0)
                {
                    value = (value * 10) + (c - '0');
                }
            }
            else if (c == '.' && dot < 0)
            {
                if (digits > 12)
                {
                    return false;
                }

                dot = digits;
            }
            else
            {
                break;
            }

            _position++;
        }

        if (dot >= 0)
        {
            // Not ending in ".", at most three digits after it.
            var fraction = digits - dot;
            if (fraction is 0 or > 3)
            {
                return false;
            }

            item = new StructuredItem(StructuredItemKind.Decimal, start, _position - start);
            return true;
        }

        item = new StructuredItem(StructuredItemKind.Integer, start, _position - start, negative ? -value : value);
        return true;
    }

    /// <summary>§4.2.5: printable ASCII between quotes; a backslash escapes only a quote or a backslash.</summary>
    private bool ReadString(out StructuredItem item)
    {
        item = default;
        var start = ++_position;
        while (!AtEnd)
        {
            var c = _text[_position++];
            if (c == '\\')
            {
                if (AtEnd || _text[_position++] is not ('"' or '\\'))
                {
                    return false;
                }
            }
            else if (c == '"')
            {
                item = new StructuredItem(StructuredItemKind.String, start, _position - 1 - start);
                return true;
            }
            else if (c is < '\x20' or > '\x7E')
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>§4.2.6: <c>( ALPHA / "*" ) *( tchar / ":" / "/" )</c>.</summary>
    private bool ReadToken(out StructuredItem item)
    {
        var start = _position++;
        while (_position < _text.Length && (CacheDirectives.IsTokenChar(_text[_position]) || _text[_position] is ':' or '/'))
        {
            _position++;
        }

        item = new StructuredItem(StructuredItemKind.Token, start, _position - start);
        return true;
    }

    /// <summary>§4.2.7: base64 characters between colons.</summary>
    private bool ReadByteSequence(out StructuredItem item)
    {
        item = default;
        var start = ++_position;
        while (!AtEnd)
        {
            var c = _text[_position++];
            if (c == ':')
            {
                item = new StructuredItem(StructuredItemKind.ByteSequence, start, _position - 1 - start);
                return true;
            }

            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '/' or '='))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>§4.2.8: <c>?1</c> or <c>?0</c>.</summary>
    private bool ReadBoolean(out StructuredItem item)
    {
        item = default;
        var start = _position++;
        if (AtEnd || _text[_position] is not ('0' or '1'))
        {
            return false;
        }

        item = new StructuredItem(StructuredItemKind.Boolean, start, 2, Boolean: _text[_position++] == '1');
        return true;
    }

    /// <summary>RFC 9651 §4.2.9: <c>@</c> and an integer (seconds since the epoch).</summary>
    private bool ReadDate(out StructuredItem item)
    {
        _position++;
        if (!ReadNumber(out item) || item.Kind != StructuredItemKind.Integer)
        {
            return false;
        }

        item = item with { Kind = StructuredItemKind.Date };
        return true;
    }

    /// <summary>RFC 9651 §4.2.10: <c>%"</c>, printable ASCII but <c>%</c> and <c>"</c>, lower-case <c>%xx</c> escapes, <c>"</c>.</summary>
    private bool ReadDisplayString(out StructuredItem item)
    {
        item = default;
        _position++;
        if (!Take('"'))
        {
            return false;
        }

        var start = _position;
        while (!AtEnd)
        {
            var c = _text[_position++];
            if (c == '"')
            {
                item = new StructuredItem(StructuredItemKind.DisplayString, start, _position - 1 - start);
                return true;
            }

            if (c == '%')
            {
                if (_position + 2 > _text.Length || !IsLowerHex(_text[_position]) || !IsLowerHex(_text[_position + 1]))
                {
                    return false;
                }

                _position += 2;
            }
            else if (c is < '\x20' or > '\x7E')
            {
                return false;
            }
        }

        return false;
    }

    private static bool IsLowerHex(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f');
}
