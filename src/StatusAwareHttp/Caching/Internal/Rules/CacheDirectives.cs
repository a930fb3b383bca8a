namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// The <c>Cache-Control</c> directives of one message (RFC 9111 §5.2), parsed leniently: unknown directives are
/// ignored (§5.2.3), arguments may be tokens or quoted strings (§5.2), and a malformed or conflicting value is
/// recorded as <see cref="Invalid"/> for the strategy to treat restrictively, never thrown.
/// Delta-seconds are whole seconds, capped at 2^31 (§1.2.2).
/// </summary>
internal struct CacheDirectives
{
    /// <summary>The directive is not present.</summary>
    public const long Absent = -1;

    /// <summary>The directive is present with a malformed value, no value where one is needed, or two different values.</summary>
    public const long Invalid = -2;

    /// <summary><c>max-stale</c> without a value: any staleness is accepted (§5.2.1.2).</summary>
    public const long Unbounded = long.MaxValue;

    /// <summary>§1.2.2: a delta-seconds too large to represent is taken as 2^31.</summary>
    public const long DeltaSecondsCap = 2147483648;

    public long MaxAge;
    public long SMaxAge;
    public long MaxStale;
    public long MinFresh;
    public long StaleWhileRevalidate;
    public long StaleIfError;
    public bool NoCache;
    public bool NoStore;
    public bool MustRevalidate;
    public bool ProxyRevalidate;
    public bool Public;
    public bool Private;
    public bool OnlyIfCached;
    public bool MustUnderstand;

    /// <summary>§5.2.1.6 / §5.2.2.6; for a cache, only a query's content reads it (RFC 10008 §2.7: keyed as sent).</summary>
    public bool NoTransform;
    public bool Present;

    public static CacheDirectives Empty => new()
    {
        MaxAge = Absent,
        SMaxAge = Absent,
        MaxStale = Absent,
        MinFresh = Absent,
        StaleWhileRevalidate = Absent,
        StaleIfError = Absent,
    };

    /// <summary>Parses one field line (several lines are parsed one after the other into the same value).</summary>
    public void ParseLine(ReadOnlySpan<char> line)
    {
        Present = true;
        var i = 0;
        while (i < line.Length)
        {
            // Skip empty list members and whitespace (§5.6.1 of RFC 9110: recipients accept empty elements).
            while (i < line.Length && (line[i] == ',' || IsOws(line[i])))
            {
                i++;
            }

            var nameStart = i;
            while (i < line.Length && IsTokenChar(line[i]))
            {
                i++;
            }

            var name = line[nameStart..i];
            while (i < line.Length && IsOws(line[i]))
            {
                i++;
            }

            var hasValue = false;
            ReadOnlySpan<char> value = default;
            var valueOk = true;
            if (i < line.Length && line[i] == '=')
            {
                i++;
                while (i < line.Length && IsOws(line[i]))
                {
                    i++;
                }

                hasValue = true;
                if (i < line.Length && line[i] == '"')
                {
                    // Quoted-string (§5.2: recipients accept both forms); backslash escapes one character.
                    i++;
                    var valueStart = i;
                    var closed = false;
                    var escaped = false;
                    while (i < line.Length)
                    {
                        if (line[i] == '\\')
                        {
                            escaped = true;
                            i += 2;
                            continue;
                        }

                        if (line[i] == '"')
                        {
                            closed = true;
                            break;
                        }

                        i++;
                    }

                    value = line[valueStart..Math.Min(i, line.Length)];
                    valueOk = closed && !escaped;
                    if (closed)
                    {
                        i++;
                    }
                }
                else
                {
                    var valueStart = i;
                    while (i < line.Length && line[i] != ',' && !IsOws(line[i]))
                    {
                        i++;
                    }

                    value = line[valueStart..i];
                }
            }

            // Anything else up to the next comma is garbage that makes this member's value invalid.
            while (i < line.Length && line[i] != ',')
            {
                if (!IsOws(line[i]))
                {
                    valueOk = false;
                }

                i++;
            }

            if (!name.IsEmpty)
            {
                Apply(name, hasValue, value, valueOk);
            }
        }
    }

    private void Apply(ReadOnlySpan<char> name, bool hasValue, ReadOnlySpan<char> value, bool valueOk)
    {
        if (Is(name, "max-age"))
        {
            SetDelta(ref MaxAge, hasValue, value, valueOk);
        }
        else if (Is(name, "no-cache"))
        {
            // The qualified form (no-cache="field") is treated as the unqualified one: stricter, and allowed (§5.2.2.4).
            NoCache = true;
        }
        else if (Is(name, "no-store"))
        {
            NoStore = true;
        }
        else if (Is(name, "must-revalidate"))
        {
            MustRevalidate = true;
        }
        else if (Is(name, "private"))
        {
            Private = true;
        }
        else if (Is(name, "public"))
        {
            Public = true;
        }
        else if (Is(name, "s-maxage"))
        {
            SetDelta(ref SMaxAge, hasValue, value, valueOk);
        }
        else if (Is(name, "max-stale"))
        {
            if (hasValue)
            {
                SetDelta(ref MaxStale, hasValue, value, valueOk);
            }
            else
            {
                Merge(ref MaxStale, Unbounded);
            }
        }
        else if (Is(name, "min-fresh"))
        {
            SetDelta(ref MinFresh, hasValue, value, valueOk);
        }
        else if (Is(name, "only-if-cached"))
        {
            OnlyIfCached = true;
        }
        else if (Is(name, "stale-while-revalidate"))
        {
            SetDelta(ref StaleWhileRevalidate, hasValue, value, valueOk);
        }
        else if (Is(name, "stale-if-error"))
        {
            SetDelta(ref StaleIfError, hasValue, value, valueOk);
        }
        else if (Is(name, "proxy-revalidate"))
        {
            ProxyRevalidate = true;
        }
        else if (Is(name, "must-understand"))
        {
            MustUnderstand = true;
        }
        else if (Is(name, "no-transform"))
        {
            NoTransform = true;
        }

        // §5.2.3: unknown directives (immutable, ...) are ignored.
    }

    private static void SetDelta(ref long field, bool hasValue, ReadOnlySpan<char> value, bool valueOk)
    {
        var parsed = hasValue && valueOk ? ParseDeltaSeconds(value) : Invalid;
        Merge(ref field, parsed);
    }

    private static void Merge(ref long field, long parsed)
    {
        // §4.2.1: a directive given twice with different values is not trusted.
        if (field == Absent)
        {
            field = parsed;
        }
        else if (field != parsed)
        {
            field = Invalid;
        }
    }

    /// <summary>delta-seconds = 1*DIGIT (§1.2.2); too large is 2^31; anything else is <see cref="Invalid"/>.</summary>
    public static long ParseDeltaSeconds(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return Invalid;
        }

        long result = 0;
        foreach (var c in value)
        {
            if (c is < '0' or > '9')
            {
                return Invalid;
            }

            if (result < DeltaSecondsCap)
            {
                result = (result * 10) + (c - '0');
            }
        }

        return Math.Min(result, DeltaSecondsCap);
    }

    private static bool Is(ReadOnlySpan<char> name, string directive) => name.Equals(directive, StringComparison.OrdinalIgnoreCase);

    private static bool IsOws(char c) => c is ' ' or '\t';

    /// <summary>tchar of RFC 9110 §5.6.2.</summary>
    public static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
