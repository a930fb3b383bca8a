using System.Text;
using Microsoft.Net.Http.Headers;
using StatusAwareHttp.Testing.Internal;

namespace StatusAwareHttp.Testing.Har;

/// <summary>How replay answers a request.</summary>
internal enum ReplayAnswerKind
{
    /// <summary>The recorded response of <see cref="ReplayDecision.Exchange"/>, as the origin sent it.</summary>
    Recorded,

    /// <summary>304 made from the validators of <see cref="ReplayDecision.Exchange"/> (no recorded 304 answers the request).</summary>
    NotModified,

    /// <summary>No recorded request matches; <see cref="ReplayDecision.Exchange"/> is the closest one, if any.</summary>
    Unmatched,
}

/// <summary>The matcher's answer: what to serve, or the closest recorded request and how it differs.</summary>
internal sealed record ReplayDecision(ReplayAnswerKind Kind, HarExchange? Exchange, string Reason);

/// <summary>
/// Chooses the recorded exchange that answers a request. A request matches an entry with the same method, path, query
/// (parameters in any order; a <c>REDACTED</c> value matches any value) and, when the entry recorded one, the same
/// content. Among those, the answers to requests of the same kind come first (conditional or not, the same
/// <c>Range</c>), each entry served once in recorded order and the last one again when all are used, so a session that
/// asked twice gets its two answers. A conditional request no recorded conditional request is left for is answered
/// by validators: 304 when it matches the entity tag or <c>Last-Modified</c> (rebased) of the recorded full response,
/// else that response. A range request with no recorded range answer gets the full response (as an origin that ignores
/// <c>Range</c> would). A HEAD request with no recorded HEAD is matched as a GET (the writer leaves the body out).
/// Pure: the caller counts the uses.
/// </summary>
internal static class HarMatcher
{
    public static ReplayDecision Decide(ReplayRequest request, IReadOnlyList<HarExchange> exchanges, IReadOnlyList<int> uses, TimeSpan shift)
    {
        var candidates = new List<int>();
        for (var i = 0; i < exchanges.Count; i++)
        {
            if (SameResource(request, exchanges[i]))
            {
                candidates.Add(i);
            }
        }

        if (candidates.Count == 0 && request.Method == "HEAD")
        {
            // An origin answers HEAD as it would GET, without the content (RFC 9110 §9.3.2).
            return Decide(request with { Method = "GET" }, exchanges, uses, shift);
        }

        if (candidates.Count == 0)
        {
            return Closest(request, exchanges);
        }

        var range = request.Header("Range");
        var conditional = request.IsConditional;
        var sameKind = candidates.Where(i => IsConditional(exchanges[i]) == conditional && exchanges[i].RequestHeader("Range") == range).ToList();
        var unused = sameKind.FirstOrDefault(i => uses[i] == 0, -1);
        if (unused >= 0)
        {
            return new ReplayDecision(ReplayAnswerKind.Recorded, exchanges[unused], "recorded");
        }

        var full = FullResponse(candidates, exchanges, uses);
        if (conditional && full is not null)
        {
            return NotModified(request, full, shift)
                ? new ReplayDecision(ReplayAnswerKind.NotModified, full, "validators match")
                : new ReplayDecision(ReplayAnswerKind.Recorded, full, "validators do not match");
        }

        if (sameKind.Count > 0)
        {
            return new ReplayDecision(ReplayAnswerKind.Recorded, exchanges[sameKind[^1]], "recorded, served again");
        }

        if (full is not null && range is not null)
        {
            return new ReplayDecision(ReplayAnswerKind.Recorded, full, "the full response");
        }

        var nearest = exchanges[candidates[0]];
        var kind = IsConditional(nearest) ? "only as a conditional request" : nearest.RequestHeader("Range") is { } r ? $"only with Range: {r}" : "differently";
        return new ReplayDecision(ReplayAnswerKind.Unmatched, nearest, $"recorded {kind}");
    }

    public static bool IsConditional(HarExchange exchange) =>
        exchange.RequestHeader("If-None-Match") is not null || exchange.RequestHeader("If-Modified-Since") is not null;

    /// <summary>The 200 of an unconditional request without Range: the last one served, else the first recorded.</summary>
    private static HarExchange? FullResponse(List<int> candidates, IReadOnlyList<HarExchange> exchanges, IReadOnlyList<int> uses)
    {
        var full = candidates.Where(i => exchanges[i].Status == 200 && !IsConditional(exchanges[i]) && exchanges[i].RequestHeader("Range") is null).ToList();
        if (full.Count == 0)
        {
            return null;
        }

        var served = full.LastOrDefault(i => uses[i] > 0, -1);
        return exchanges[served >= 0 ? served : full[0]];
    }

    private static bool NotModified(ReplayRequest request, HarExchange full, TimeSpan shift)
    {
        var etag = full.ResponseHeader("ETag");
        if (etag is not null && !EntityTagHeaderValue.TryParse(etag, out _))
        {
            etag = null;
        }

        DateTimeOffset? lastModified = full.ResponseHeader("Last-Modified") is { } text && DateRebasing.TryParse(text, out var date)
            ? DateRebasing.Add(date, shift)
            : null;
        var fields = new ConditionalFields(IfNoneMatch: request.Header("If-None-Match"), IfModifiedSince: request.Header("If-Modified-Since"));
        return Preconditions.Evaluate(request.Method, fields, etag, lastModified, exists: true) == PreconditionOutcome.NotModified;
    }

    public static bool SameResource(ReplayRequest request, HarExchange exchange) =>
        string.Equals(request.Method, exchange.Method, StringComparison.Ordinal)
        && SamePath(request.Path, exchange.Url.AbsolutePath)
        && QueryDifferences(request.Query, exchange.Url.Query).Count == 0
        && SameBody(request, exchange);

    private static bool SamePath(string path, string recorded) =>
        string.Equals(Uri.UnescapeDataString(path), Uri.UnescapeDataString(recorded), StringComparison.Ordinal);

    private static bool SameBody(ReplayRequest request, HarExchange exchange) =>
        exchange.RequestBody is null || request.Method is "GET" or "HEAD" || request.Body.Span.SequenceEqual(exchange.RequestBody);

    /// <summary>The parameters one query has and the other lacks (<c>-page=2</c> recorded only, <c>+page=3</c> sent only).</summary>
    public static List<string> QueryDifferences(string query, string recorded)
    {
        var sent = HarQuery.Parse(query);
        var left = HarQuery.Parse(recorded);
        var extra = new List<string>();
        foreach (var pair in sent)
        {
            var at = left.FindIndex(p => p.Key == pair.Key && p.Value == pair.Value);
            if (at < 0)
            {
                at = left.FindIndex(p => p.Key == pair.Key && p.Value == HarScrubber.Redacted);
            }

            if (at >= 0)
            {
                left.RemoveAt(at);
            }
            else
            {
                extra.Add($"+{pair.Key}={pair.Value}");
            }
        }

        extra.AddRange(left.Select(p => $"-{p.Key}={p.Value}"));
        return extra;
    }

    /// <summary>
    /// The recorded request nearest to <paramref name="request"/>: each character of the path to change costs 10, another
    /// method 30, each parameter of the query 3, other content 5 (a near path outweighs the method: <c>GET /orderz</c>
    /// is closer to <c>POST /orders</c> than to <c>GET /files</c>). The first recorded of equals.
    /// </summary>
    private static ReplayDecision Closest(ReplayRequest request, IReadOnlyList<HarExchange> exchanges)
    {
        HarExchange? best = null;
        var bestScore = int.MaxValue;
        foreach (var exchange in exchanges)
        {
            var score = (string.Equals(request.Method, exchange.Method, StringComparison.Ordinal) ? 0 : 30)
                        + (10 * Distance(request.Path, exchange.Url.AbsolutePath))
                        + (3 * QueryDifferences(request.Query, exchange.Url.Query).Count)
                        + (SameBody(request, exchange) ? 0 : 5);
            if (score < bestScore)
            {
                (best, bestScore) = (exchange, score);
            }
        }

        return best is null
            ? new ReplayDecision(ReplayAnswerKind.Unmatched, null, "the recording has no entries")
            : new ReplayDecision(ReplayAnswerKind.Unmatched, best, Differences(request, best));
    }

    private static string Differences(ReplayRequest request, HarExchange exchange)
    {
        var text = new StringBuilder();
        if (!string.Equals(request.Method, exchange.Method, StringComparison.Ordinal))
        {
            text.Append($"method {request.Method}, recorded {exchange.Method}; ");
        }

        if (!SamePath(request.Path, exchange.Url.AbsolutePath))
        {
            text.Append($"path {request.Path}, recorded {exchange.Url.AbsolutePath}; ");
        }

        var query = QueryDifferences(request.Query, exchange.Url.Query);
        if (query.Count > 0)
        {
            text.Append($"query {string.Join(' ', query)} (+ sent only, - recorded only); ");
        }

        if (!SameBody(request, exchange))
        {
            text.Append("content differs; ");
        }

        return text.Length == 0 ? "differs" : text.ToString(0, text.Length - 2);
    }

    /// <summary>Levenshtein distance, of the first 256 characters of each.</summary>
    private static int Distance(string a, string b)
    {
        a = a.Length > 256 ? a[..256] : a;
        b = b.Length > 256 ? b[..256] : b;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
