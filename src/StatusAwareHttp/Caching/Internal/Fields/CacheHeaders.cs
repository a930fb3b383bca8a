using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp.Caching.Internal;

/// <summary>Reading requests' cache-related fields, and copying responses' header lines raw, in and out of storage.</summary>
internal static class CacheHeaders
{
    /// <summary>§3.1 (and RFC 9110 §7.6.1): hop-by-hop fields, never stored.</summary>
    private static readonly FrozenSet<string> s_hopByHop = FrozenSet.ToFrozenSet(
        ["Connection", "Keep-Alive", "TE", "Transfer-Encoding", "Upgrade", "Proxy-Connection"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>§3.2: fields a 304 or HEAD response does not update (the stored body's own framing and coding).</summary>
    private static readonly FrozenSet<string> s_notUpdated = FrozenSet.ToFrozenSet(
        ["Content-Length", "Content-Encoding", "Content-Range", "Transfer-Encoding"],
        StringComparer.OrdinalIgnoreCase);

    private static readonly string[] s_conditionalOrRange = ["If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range", "Range"];

    private static readonly string[] s_conditional = ["If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since"];

    private static readonly string[] s_smallIntegers = Enumerable.Range(0, 128).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The request's <c>Cache-Control</c>, or <c>Pragma: no-cache</c> when it has none (RFC 7234 §5.4, kept for HTTP/1.0).</summary>
    public static CacheDirectives ReadRequestDirectives(HttpRequestHeaders headers)
    {
        var directives = CacheDirectives.Empty;
        if (headers.NonValidated.Count == 0)
        {
            return directives;
        }

        if (headers.NonValidated.TryGetValues("Cache-Control", out var lines))
        {
            foreach (var line in lines)
            {
                directives.ParseLine(line);
            }
        }
        else if (headers.NonValidated.TryGetValues("Pragma", out var pragma))
        {
            foreach (var line in pragma)
            {
                foreach (var range in line.AsSpan().Split(','))
                {
                    if (line.AsSpan(range).Trim().Equals("no-cache", StringComparison.OrdinalIgnoreCase))
                    {
                        directives.NoCache = true;
                    }
                }
            }
        }

        return directives;
    }

    /// <summary>
    /// The request's <c>Range</c> (its lines joined as a list) and <c>If-Range</c> when it asks for a range under no
    /// precondition but <c>If-Range</c> (RFC 9110 §13.2.2: then the answer without <c>Range</c> would be a 200, and a
    /// stored response can answer it); <see langword="false"/> otherwise. Several <c>If-Range</c> lines are kept as
    /// one value that matches nothing.
    /// </summary>
    public static bool TryReadRange(HttpRequestHeaders headers, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? range, out string? ifRange)
    {
        (range, ifRange) = (null, null);
        var fields = headers.NonValidated;
        if (!fields.TryGetValues("Range", out var ranges) || FieldNames.AnyOf(fields, s_conditional))
        {
            return false;
        }

        range = ranges.Count == 1 ? ranges.ToString() : string.Join(", ", ranges);
        if (fields.TryGetValues("If-Range", out var conditions))
        {
            ifRange = conditions.Count == 1 ? conditions.ToString() : string.Empty;
        }

        return true;
    }

    /// <summary>Whether the caller made the request conditional or partial itself (it then passes through untouched).</summary>
    public static bool IsConditionalOrRange(HttpRequestHeaders headers) => FieldNames.AnyOf(headers.NonValidated, s_conditionalOrRange);

    /// <summary>
    /// The response's <c>Cache-Control</c> read from its header lines as <see cref="ResponseFields.Parse(int, IReadOnlyList{KeyValuePair{string, string}}, DateTimeOffset)"/>
    /// reads it from the lines <see cref="Capture(HttpResponseMessage, DateTimeOffset)"/> keeps, without capturing them; false when that cannot be told this
    /// way (a field name that is not a token, or <c>Connection</c> naming <c>Cache-Control</c>).
    /// </summary>
    public static bool TryReadResponseDirectives(HttpResponseMessage response, out CacheDirectives directives)
    {
        directives = CacheDirectives.Empty;
        if (!NamesAreTokens(response.Headers.NonValidated) || (response.Content is { } content && !NamesAreTokens(content.Headers.NonValidated)))
        {
            return false;
        }

        if (response.Headers.NonValidated.TryGetValues("Connection", out var connection))
        {
            foreach (var line in connection)
            {
                foreach (var range in line.AsSpan().Split(','))
                {
                    if (line.AsSpan(range).Trim().Equals("Cache-Control", StringComparison.OrdinalIgnoreCase))
                    {
                        return false;
                    }
                }
            }
        }

        if (response.Headers.NonValidated.TryGetValues("Cache-Control", out var lines))
        {
            foreach (var line in lines)
            {
                directives.ParseLine(line);
            }
        }

        return true;
    }

    private static bool NamesAreTokens(HttpHeadersNonValidated headers)
    {
        foreach (var field in headers)
        {
            if (!ResponseFields.IsToken(field.Key))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The response's header lines, values raw (as received, never re-serialised), hop-by-hop fields and the fields
    /// <c>Connection</c> names left out; a <c>Date</c> is added when there is none (RFC 9110 §6.6.1).
    /// </summary>
    public static KeyValuePair<string, string>[] Capture(HttpResponseMessage response, DateTimeOffset responseTime)
    {
        string[]? connectionNamed = null;
        if (response.Headers.NonValidated.TryGetValues("Connection", out var connection))
        {
            connectionNamed = connection.SelectMany(line => line.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToArray();
        }

        // An array of exactly the lines kept (and the Date it may add), counted first: parsed, then stored as it is.
        var content = response.Content;
        var hasDate = response.Headers.NonValidated.Contains("Date");
        var count = (hasDate ? 0 : 1) + CountLines(response.Headers.NonValidated, connectionNamed) + (content is null ? 0 : CountLines(content.Headers.NonValidated, connectionNamed));
        var lines = new KeyValuePair<string, string>[count];
        var at = AddLines(lines, 0, response.Headers.NonValidated, connectionNamed);
        if (content is not null)
        {
            at = AddLines(lines, at, content.Headers.NonValidated, connectionNamed);
        }

        if (!hasDate)
        {
            lines[at++] = new("Date", HttpDate.Format(responseTime));
        }

        System.Diagnostics.Debug.Assert(at == lines.Length, "Counted as added.");
        return lines;
    }

    private static bool IsKept(string name, string[]? connectionNamed) =>
        !s_hopByHop.Contains(name) && (connectionNamed is null || !FieldNames.Contains(connectionNamed, name));

    private static int CountLines(HttpHeadersNonValidated headers, string[]? connectionNamed)
    {
        var count = 0;
        foreach (var field in headers)
        {
            count += IsKept(field.Key, connectionNamed) ? field.Value.Count : 0;
        }

        return count;
    }

    private static int AddLines(KeyValuePair<string, string>[] lines, int at, HttpHeadersNonValidated headers, string[]? connectionNamed)
    {
        foreach (var field in headers)
        {
            if (IsKept(field.Key, connectionNamed))
            {
                foreach (var value in field.Value)
                {
                    lines[at++] = new(field.Key, value);
                }
            }
        }

        return at;
    }

    /// <summary>
    /// §3.2: the stored lines updated with a 304's (or HEAD's) lines: each field the update carries replaces the stored
    /// field of that name, except the stored body's framing and coding fields. An array of exactly the merged lines,
    /// ready to store: the update's strings shared as <see cref="StoredLines"/> shares them (the stored ones already are).
    /// </summary>
    public static KeyValuePair<string, string>[] Merge(IReadOnlyList<KeyValuePair<string, string>> stored, IReadOnlyList<KeyValuePair<string, string>> update)
    {
        // A 304 carries a few lines: a scan of them per stored line costs less than a set of their names.
        var (kept, added) = (0, 0);
        for (var i = 0; i < stored.Count; i++)
        {
            kept += Replaces(update, stored[i].Key) ? 0 : 1;
        }

        for (var i = 0; i < update.Count; i++)
        {
            added += IsUpdatedBy304(update[i].Key) ? 1 : 0;
        }

        var merged = new KeyValuePair<string, string>[kept + added];
        var at = 0;
        for (var i = 0; i < stored.Count; i++)
        {
            if (!Replaces(update, stored[i].Key))
            {
                merged[at++] = stored[i];
            }
        }

        for (var i = 0; i < update.Count; i++)
        {
            if (IsUpdatedBy304(update[i].Key))
            {
                merged[at++] = StoredLines.Share(update[i]);
            }
        }

        return merged;
    }

    /// <summary>
    /// Whether <see cref="Merge"/> would give back the stored lines exactly, in order, byte for byte: the update
    /// repeats what is stored (a 304 within the second of the last one), so the stored lines and their parsed view serve.
    /// </summary>
    public static bool MergeKeeps(IReadOnlyList<KeyValuePair<string, string>> stored, IReadOnlyList<KeyValuePair<string, string>> update)
    {
        var at = 0;
        for (var i = 0; i < stored.Count; i++)
        {
            if (!Replaces(update, stored[i].Key) && (at >= stored.Count || !SameLine(stored[at++], stored[i])))
            {
                return false;
            }
        }

        for (var i = 0; i < update.Count; i++)
        {
            if (IsUpdatedBy304(update[i].Key) && (at >= stored.Count || !SameLine(stored[at++], update[i])))
            {
                return false;
            }
        }

        return at == stored.Count;
    }

    private static bool SameLine(KeyValuePair<string, string> a, KeyValuePair<string, string> b) =>
        string.Equals(a.Key, b.Key, StringComparison.Ordinal) && string.Equals(a.Value, b.Value, StringComparison.Ordinal);

    /// <summary>§3.2: whether a 304's (or HEAD's) line of this field replaces the stored field (not the body's framing or coding).</summary>
    public static bool IsUpdatedBy304(string name) => !s_notUpdated.Contains(name);

    private static bool Replaces(IReadOnlyList<KeyValuePair<string, string>> update, string name)
    {
        for (var i = 0; i < update.Count; i++)
        {
            if (string.Equals(update[i].Key, name, StringComparison.OrdinalIgnoreCase) && !s_notUpdated.Contains(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Builds the response a stored entry stands for, for <paramref name="request"/>, with its header lines raw.</summary>
    public static HttpResponseMessage ToResponse(HttpCacheEntry entry, HttpRequestMessage request)
    {
        var content = new ReadOnlyMemoryContent(entry.Body);
        var response = new HttpResponseMessage((HttpStatusCode)entry.StatusCode) { RequestMessage = request, Content = content };
        AddLines(response, content, entry.Headers, entry.Parsed.Targets);
        return response;
    }

    /// <summary>
    /// RFC 9110 §15.3.7.1: a 206 of one range (<paramref name="bytes"/>) of a stored 200 or of stored parts, with the
    /// stored header lines but its framing (<c>Content-Length</c>, <c>Content-Range</c>) made for the range.
    /// </summary>
    public static HttpResponseMessage ToPartialResponse(HttpCacheEntry entry, HttpRequestMessage request, RangeDecision range, ReadOnlyMemory<byte> bytes)
    {
        var content = new ReadOnlyMemoryContent(bytes);
        var response = new HttpResponseMessage(HttpStatusCode.PartialContent) { RequestMessage = request, Content = content };
        var (lines, targets) = (entry.Headers, entry.Parsed.Targets);
        for (var i = 0; i < lines.Count; i++)
        {
            var name = lines[i].Key;
            if (!string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(name, "Content-Range", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(name, PartEntries.PartsField, StringComparison.OrdinalIgnoreCase))
            {
                AddLine(response, content, name, lines[i].Value, targets[i]);
            }
        }

        content.Headers.ContentLength = range.Count;
        content.Headers.TryAddWithoutValidation("Content-Range", range.ContentRange);
        return response;
    }

    /// <summary>RFC 9110 §15.5.17, §14.4: a 416 with <c>Content-Range: bytes */length</c> and no content.</summary>
    public static HttpResponseMessage ToUnsatisfiableResponse(HttpRequestMessage request, RangeDecision range)
    {
        var content = new ByteArrayContent([]);
        content.Headers.TryAddWithoutValidation("Content-Range", range.ContentRange);
        return new HttpResponseMessage(HttpStatusCode.RequestedRangeNotSatisfiable) { RequestMessage = request, Content = content };
    }

    /// <summary>Adds raw header lines to a response and its content, each where it belongs.</summary>
    public static void AddLines(HttpResponseMessage response, HttpContent content, IReadOnlyList<KeyValuePair<string, string>> lines, HeaderTarget[] targets)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            AddLine(response, content, lines[i].Key, lines[i].Value, targets[i]);
        }
    }

    private static void AddLine(HttpResponseMessage response, HttpContent content, string name, string value, HeaderTarget target)
    {
        switch (target)
        {
            case HeaderTarget.Response:
                if (!response.Headers.TryAddWithoutValidation(name, value))
                {
                    content.Headers.TryAddWithoutValidation(name, value);
                }

                break;
            case HeaderTarget.Content:
                if (!content.Headers.TryAddWithoutValidation(name, value))
                {
                    response.Headers.TryAddWithoutValidation(name, value);
                }

                break;
        }
    }

    /// <summary>The <c>Age</c> value (§5.1): whole seconds, never negative, at most 2^31.</summary>
    public static string AgeValue(TimeSpan age)
    {
        var seconds = age <= TimeSpan.Zero ? 0 : Math.Min((long)age.TotalSeconds, CacheDirectives.DeltaSecondsCap);
        return seconds < s_smallIntegers.Length ? s_smallIntegers[seconds] : seconds.ToString(CultureInfo.InvariantCulture);
    }
}
