namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// Reads one line of the <c>Cache-Status</c> response field (RFC 9211 §2) into the <see cref="HttpCacheStatus"/> of its
/// last member, when that member names one of our caches. The line is a Structured Field List (RFC 8941 §4.2.1): a
/// line that does not parse as one reads as no member at all, as RFC 8941 §4.2 asks. Pure: no state, no clock.
/// </summary>
internal static class CacheStatusParser
{
    /// <summary>
    /// The status in the last member of <paramref name="line"/>, or <see langword="null"/> when the line is not a
    /// valid list, is empty, or its last member is not named by a cache that <paramref name="isOurs"/> accepts.
    /// </summary>
    public static HttpCacheStatus? ParseLast(string? line, Func<string, bool> isOurs)
    {
        if (string.IsNullOrEmpty(line))
        {
            return null;
        }

        var reader = new StructuredFieldReader(line);
        Member member;

        // §4.2: leading spaces are discarded; then the list (§4.2.1), which has at least one member here.
        reader.SkipSpaces();
        if (reader.AtEnd)
        {
            return null;
        }

        while (true)
        {
            if (!ReadMember(ref reader, line, out member))
            {
                return null;
            }

            // §4.2.1: the end, or a comma and another member; anything else, or a trailing comma, fails parsing.
            if (!reader.TryNextMember(out var ended))
            {
                return null;
            }

            if (ended)
            {
                break;
            }
        }

        // A cache is named by a token or a string (RFC 9211 §2).
        if (member.Name.Kind is not (StructuredItemKind.Token or StructuredItemKind.String))
        {
            return null;
        }

        var name = Text(line, member.Name);
        return isOurs(name) ? Build(line, name, member) : null;
    }

    /// <summary>One member: its item (or inner list) and its parameters, the last of each kept (§4.2.3.2).</summary>
    private static bool ReadMember(ref StructuredFieldReader reader, string line, out Member member)
    {
        member = default;
        if (!reader.ReadItemOrInnerList(out member.Name))
        {
            return false;
        }

        while (true)
        {
            if (!reader.NextParameter(out var found, out var key, out var value))
            {
                return false;
            }

            if (!found)
            {
                return true;
            }

            switch (line.AsSpan(key.Start, key.Length))
            {
                case "hit":
                    member.Hit = value;
                    break;
                case "fwd":
                    member.Forward = value;
                    break;
                case "fwd-status":
                    member.ForwardStatus = value;
                    break;
                case "ttl":
                    member.TimeToLive = value;
                    break;
                case "stored":
                    member.Stored = value;
                    break;
                case "collapsed":
                    member.Collapsed = value;
                    break;
                case "key":
                    member.Key = value;
                    break;
                case "detail":
                    member.Detail = value;
                    break;
            }
        }
    }

    /// <summary>The parameters, each of the type RFC 9211 gives it; one of another type reads as absent.</summary>
    private static HttpCacheStatus Build(string line, string name, in Member member) => new()
    {
        CacheName = name,
        Hit = IsTrue(member.Hit),
        ForwardReason = member.Forward.Kind == StructuredItemKind.Token ? Reason(line.AsSpan(member.Forward.Start, member.Forward.Length)) : HttpCacheForwardReason.None,
        ForwardStatus = member.ForwardStatus is { Kind: StructuredItemKind.Integer, Integer: >= 100 and <= 999 } status ? (int)status.Integer : null,
        TimeToLive = member.TimeToLive.Kind == StructuredItemKind.Integer ? Seconds(member.TimeToLive.Integer) : null,
        Stored = IsTrue(member.Stored),
        Collapsed = IsTrue(member.Collapsed),
        Key = member.Key.Kind == StructuredItemKind.String ? Text(line, member.Key) : null,
        Detail = member.Detail.Kind is StructuredItemKind.String or StructuredItemKind.Token ? Text(line, member.Detail) : null,
    };

    private static bool IsTrue(in StructuredItem item) => item.Kind == StructuredItemKind.Boolean && item.Boolean;

    /// <summary>The <c>fwd</c> values of RFC 9211 §2.2.</summary>
    private static HttpCacheForwardReason Reason(ReadOnlySpan<char> token) => token switch
    {
        "bypass" => HttpCacheForwardReason.Bypass,
        "method" => HttpCacheForwardReason.Method,
        "uri-miss" => HttpCacheForwardReason.UriMiss,
        "vary-miss" => HttpCacheForwardReason.VaryMiss,
        "miss" => HttpCacheForwardReason.Miss,
        "request" => HttpCacheForwardReason.Request,
        "stale" => HttpCacheForwardReason.Stale,
        "partial" => HttpCacheForwardReason.Partial,
        _ => HttpCacheForwardReason.Other,
    };

    /// <summary>Whole seconds as a <see cref="TimeSpan"/>, held to its range (an sf-integer has up to 15 digits).</summary>
    private static TimeSpan Seconds(long seconds)
    {
        const long Max = long.MaxValue / TimeSpan.TicksPerSecond;
        return seconds > Max ? TimeSpan.MaxValue
            : seconds < -Max ? TimeSpan.MinValue
            : TimeSpan.FromTicks(seconds * TimeSpan.TicksPerSecond);
    }

    /// <summary>The text of a token, or the unescaped content of a string (§4.2.5: only <c>\"</c> and <c>\\</c> are escapes).</summary>
    private static string Text(string line, in StructuredItem item)
    {
        var raw = line.AsSpan(item.Start, item.Length);
        if (item.Kind != StructuredItemKind.String || !raw.Contains('\\'))
        {
            return raw.ToString();
        }

        var length = 0;
        for (var i = 0; i < raw.Length; i++, length++)
        {
            i += raw[i] == '\\' ? 1 : 0;
        }

        return string.Create(length, (line, item.Start, item.Length), static (span, state) =>
        {
            var raw = state.line.AsSpan(state.Start, state.Length);
            var written = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                i += raw[i] == '\\' ? 1 : 0;
                span[written++] = raw[i];
            }
        });
    }

    /// <summary>One list member: its item and the parameters RFC 9211 §2 defines.</summary>
    private struct Member
    {
        public StructuredItem Name;
        public StructuredItem Hit;
        public StructuredItem Forward;
        public StructuredItem ForwardStatus;
        public StructuredItem TimeToLive;
        public StructuredItem Stored;
        public StructuredItem Collapsed;
        public StructuredItem Key;
        public StructuredItem Detail;
    }
}
