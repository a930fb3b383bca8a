using System.Collections.Frozen;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>Where a stored header line goes when a response is rebuilt from it.</summary>
internal enum HeaderTarget : byte
{
    Response,
    Content,
    Skip,
}

/// <summary>
/// The parsed view of a response's raw header lines: what the cache reads from them, parsed once (its
/// <c>Cache-Control</c>, dates, validators, <c>Vary</c>, and where each line goes in a rebuilt
/// <see cref="HttpResponseMessage"/>). Malformed values never throw: they are recorded as the RFC says to treat them.
/// The stored response itself is <see cref="HttpCacheEntry"/>, which holds its view as <c>Parsed</c>.
/// </summary>
internal sealed class ResponseFields
{
    /// <summary>Fields that .NET keeps on <see cref="HttpContent.Headers"/> rather than on the response.</summary>
    private static readonly FrozenSet<string> s_contentHeaders = FrozenSet.ToFrozenSet(
        ["Allow", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length", "Content-Location",
         "Content-MD5", "Content-Range", "Content-Type", "Expires", "Last-Modified"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>No time: the dates are kept as UTC ticks (8 bytes, not the 24 of a nullable DateTimeOffset) in every stored entry.</summary>
    private const long NoTime = long.MinValue;

    private long _date = NoTime;
    private long _expires = NoTime;
    private long _lastModified = NoTime;
    private long _contentLength = -1;

    private ResponseFields(int statusCode)
    {
        StatusCode = statusCode;
        CacheControl = CacheDirectives.Empty;
        VaryNames = [];
        Targets = [];
    }

    public int StatusCode { get; }

    /// <summary>Gets why the lines cannot be used (a field name that is not a token), or <see langword="null"/>.</summary>
    public string? Unreadable { get; private set; }

    public CacheDirectives CacheControl;

    /// <summary>Gets the <c>Date</c>, or <see langword="null"/> when absent, invalid, or given twice differently.</summary>
    public DateTimeOffset? Date { get => FromTicks(_date); private set => _date = ToTicks(value); }

    /// <summary>Gets the <c>Age</c> in seconds (§5.1: first member of a list; 0 when absent or invalid).</summary>
    public long AgeSeconds { get; private set; }

    /// <summary>Gets a value indicating whether an <c>Expires</c> field is present (valid or not).</summary>
    public bool HasExpires { get; private set; }

    /// <summary>Gets the <c>Expires</c> time; <see langword="null"/> when present but invalid, which means already expired (§5.3).</summary>
    public DateTimeOffset? Expires { get => FromTicks(_expires); private set => _expires = ToTicks(value); }

    public DateTimeOffset? LastModified { get => FromTicks(_lastModified); private set => _lastModified = ToTicks(value); }

    /// <summary>
    /// Gets the raw <c>Last-Modified</c> line, sent back as <c>If-Modified-Since</c> byte for byte; <see langword="null"/>
    /// when it holds bytes a request header cannot carry (obs-text, controls), so it is never sent (see <see cref="HasValidator"/>).
    /// </summary>
    public string? LastModifiedRaw { get; private set; }

    /// <summary>
    /// Gets the raw <c>ETag</c> (first line), sent back as <c>If-None-Match</c> byte for byte; <see langword="null"/> when
    /// it holds bytes a request header cannot carry (obs-text, controls): such a tag cannot be sent as received, so the
    /// response has no entity tag to validate with.
    /// </summary>
    public string? ETag { get; private set; }

    public string[] VaryNames { get; private set; }

    /// <summary>Gets a value indicating whether <c>Vary</c> holds <c>*</c>: the response never matches a later request (§4.1).</summary>
    public bool VaryStar { get; private set; }

    public bool HasSetCookie { get; private set; }

    public long? ContentLength { get => _contentLength >= 0 ? _contentLength : null; private set => _contentLength = value ?? -1; }

    /// <summary>
    /// Gets a value indicating whether a conditional request can be built (§4.3.1): a validator that can be sent as it
    /// was received. Without one the entry is unconditional: once stale it is fetched again and replaced.
    /// </summary>
    public bool HasValidator => ETag is not null || LastModifiedRaw is not null;

    /// <summary>Gets, per header line, where it goes when the response is rebuilt (<c>Age</c> is replaced, so skipped).</summary>
    public HeaderTarget[] Targets { get; private set; }

    public static ResponseFields Parse(HttpCacheEntry entry) => Parse(entry.StatusCode, entry.Headers, entry.ResponseTime);

    /// <summary>
    /// Parses a response's lines; <paramref name="received"/> is when the response arrived, the time an RFC 850 date's
    /// two-digit year is read against (RFC 9110 §5.6.7).
    /// </summary>
    public static ResponseFields Parse(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, DateTimeOffset received)
    {
        var result = new ResponseFields(statusCode);
        var targets = new HeaderTarget[headers.Count];
        var state = new LineState { Received = received };
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = (headers[i].Key, headers[i].Value);
            if (!IsLine(name, value))
            {
                result.Unreadable = $"header line {i} has no valid field name or no value";
                return result;
            }

            targets[i] = result.Read(name, value, ref state);
        }

        result.Finish(state);
        result.Targets = StoredLines.ShareTargets(targets);
        return result;
    }

    /// <summary>
    /// §4.3.4, §3.2: the parsed view of <paramref name="merged"/>, the lines <see cref="CacheHeaders.Merge"/> made of the
    /// lines <paramref name="stored"/> was parsed from and <paramref name="update"/>, without parsing the stored lines
    /// again: each field the update carries (and may update) is read from the update's lines, every other field is the
    /// stored one. The same view <see cref="Parse(int, IReadOnlyList{KeyValuePair{string, string}}, DateTimeOffset)"/> gives of
    /// <paramref name="merged"/> (each field read depends only on the lines of its own name, and the merged lines of a
    /// name are all stored ones or all the update's, in order).
    /// </summary>
    public static ResponseFields Updated(ResponseFields stored, IReadOnlyList<KeyValuePair<string, string>> update, KeyValuePair<string, string>[] merged, DateTimeOffset received)
    {
        if (stored.Unreadable is not null)
        {
            return Parse(stored.StatusCode, merged, received);
        }

        var result = (ResponseFields)stored.MemberwiseClone();
        for (var i = 0; i < update.Count; i++)
        {
            var (name, value) = (update[i].Key, update[i].Value);
            if (!IsLine(name, value))
            {
                return Parse(stored.StatusCode, merged, received);
            }

            if (CacheHeaders.IsUpdatedBy304(name))
            {
                result.Reset(name);
            }
        }

        var state = new LineState { Received = received };
        for (var i = 0; i < update.Count; i++)
        {
            var (name, value) = (update[i].Key, update[i].Value);
            if (CacheHeaders.IsUpdatedBy304(name))
            {
                result.Read(name, value, ref state);
            }
        }

        result.Finish(state);
        var targets = new HeaderTarget[merged.Length];
        for (var i = 0; i < merged.Length; i++)
        {
            targets[i] = TargetOf(merged[i].Key);
        }

        result.Targets = StoredLines.ShareTargets(targets);
        return result;
    }

    /// <summary>
    /// The validators of a 304's lines as <see cref="Parse(int, IReadOnlyList{KeyValuePair{string, string}}, DateTimeOffset)"/> reads
    /// them (first <c>ETag</c>, trimmed, null when not sendable; first <c>Last-Modified</c>, null when invalid), without
    /// parsing the rest.
    /// </summary>
    public static void ReadValidators(IReadOnlyList<KeyValuePair<string, string>> lines, DateTimeOffset received, out string? etag, out DateTimeOffset? lastModified)
    {
        (etag, lastModified) = (null, null);
        var (etagSeen, lastModifiedSeen) = (false, false);
        for (var i = 0; i < lines.Count && !(etagSeen && lastModifiedSeen); i++)
        {
            var (name, value) = (lines[i].Key, lines[i].Value);
            if (!IsLine(name, value))
            {
                // Parse stops at an unreadable line: what came before it is all it read.
                return;
            }

            if (!etagSeen && Is(name, "ETag"))
            {
                etagSeen = true;
                var trimmed = value.Trim();
                etag = HeaderText.IsSendable(trimmed) ? trimmed : null;
            }
            else if (!lastModifiedSeen && Is(name, "Last-Modified"))
            {
                lastModifiedSeen = true;
                lastModified = HttpDate.TryParse(value, received, out var date) ? date : null;
            }
        }
    }

    private static bool IsLine([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value) => !string.IsNullOrEmpty(name) && IsToken(name) && value is not null;

    private static HeaderTarget TargetOf(string name) =>
        Is(name, "Age") ? HeaderTarget.Skip : s_contentHeaders.Contains(name) ? HeaderTarget.Content : HeaderTarget.Response;

    /// <summary>Forgets what the lines of the field <paramref name="name"/> said, as if there were none.</summary>
    private void Reset(string name)
    {
        if (Is(name, "Cache-Control"))
        {
            CacheControl = CacheDirectives.Empty;
        }
        else if (Is(name, "Date"))
        {
            _date = NoTime;
        }
        else if (Is(name, "Age"))
        {
            AgeSeconds = 0;
        }
        else if (Is(name, "Expires"))
        {
            (_expires, HasExpires) = (NoTime, false);
        }
        else if (Is(name, "Last-Modified"))
        {
            (_lastModified, LastModifiedRaw) = (NoTime, null);
        }
        else if (Is(name, "ETag"))
        {
            ETag = null;
        }
        else if (Is(name, "Vary"))
        {
            (VaryNames, VaryStar) = ([], false);
        }

        // Set-Cookie is not reset: the update's line sets it again, and the other of the pair may still be stored.
        // Content-Length is never updated (§3.2).
    }

    /// <summary>Reads one line (its name a token) into the view; where the line goes in a rebuilt response.</summary>
    private HeaderTarget Read(string name, string value, ref LineState state)
    {
        var target = s_contentHeaders.Contains(name) ? HeaderTarget.Content : HeaderTarget.Response;
        if (Is(name, "Cache-Control"))
        {
            CacheControl.ParseLine(value);
        }
        else if (Is(name, "Date"))
        {
            // §4.2.1: two different values of a singleton field are not trusted; without a Date the receive time is used.
            if (HttpDate.TryParse(value, state.Received, out var date) && (!state.DateSeen || Date == date))
            {
                Date = date;
            }
            else
            {
                state.DateInvalid = true;
            }

            state.DateSeen = true;
        }
        else if (Is(name, "Age"))
        {
            target = HeaderTarget.Skip;
            if (!state.AgeSeen)
            {
                // §5.1: a list uses its first member; an invalid value is ignored.
                var first = value.AsSpan();
                var comma = first.IndexOf(',');
                if (comma >= 0)
                {
                    first = first[..comma];
                }

                var seconds = CacheDirectives.ParseDeltaSeconds(first.Trim());
                AgeSeconds = seconds >= 0 ? seconds : 0;
                state.AgeSeen = true;
            }
        }
        else if (Is(name, "Expires"))
        {
            // §5.3: an invalid date (such as "0") means already expired; two different values are not trusted (§4.2.1).
            var valid = HttpDate.TryParse(value, state.Received, out var expires);
            Expires = valid && (!HasExpires || Expires == expires) ? expires : null;
            HasExpires = true;
        }
        else if (Is(name, "Last-Modified"))
        {
            if (!state.LastModifiedSeen)
            {
                state.LastModifiedSeen = true;
                LastModifiedRaw = HeaderText.IsSendable(value) ? value : null;
                LastModified = HttpDate.TryParse(value, state.Received, out var lastModified) ? lastModified : null;
            }
        }
        else if (Is(name, "ETag"))
        {
            if (!state.ETagSeen)
            {
                state.ETagSeen = true;
                var etag = value.Trim();
                ETag = HeaderText.IsSendable(etag) ? etag : null;
            }
        }
        else if (Is(name, "Vary"))
        {
            ReadVary(value, ref state);
        }
        else if (Is(name, "Set-Cookie") || Is(name, "Set-Cookie2"))
        {
            HasSetCookie = true;
        }
        else if (Is(name, "Content-Length"))
        {
            var length = CacheDirectives.ParseDeltaSeconds(value.AsSpan().Trim());
            ContentLength = length >= 0 ? length : null;
        }

        return target;
    }

    private void ReadVary(string value, ref LineState state)
    {
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "*")
            {
                VaryStar = true;
            }
            else
            {
                state.Vary ??= [];
                if (!state.Vary.Contains(part, StringComparer.OrdinalIgnoreCase))
                {
                    state.Vary.Add(part);
                }
            }
        }
    }

    private void Finish(in LineState state)
    {
        if (state.DateInvalid)
        {
            Date = null;
        }

        if (state.Vary is not null)
        {
            VaryNames = [.. state.Vary];
        }
    }

    private static DateTimeOffset? FromTicks(long ticks) => ticks == NoTime ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    private static long ToTicks(DateTimeOffset? value) => value is { } time ? time.UtcTicks : NoTime;

    private static bool Is(string name, string field) => string.Equals(name, field, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="name"/> is a non-empty token (RFC 9110 §5.6.2).</summary>
    public static bool IsToken(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!CacheDirectives.IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What reading one response's lines has seen so far, per field.</summary>
    private struct LineState
    {
        public DateTimeOffset Received;
        public bool DateSeen;
        public bool DateInvalid;
        public bool AgeSeen;
        public bool LastModifiedSeen;
        public bool ETagSeen;
        public List<string>? Vary;
    }
}
