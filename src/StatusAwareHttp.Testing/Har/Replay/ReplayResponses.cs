using System.Text;
using Microsoft.AspNetCore.Http;

namespace StatusAwareHttp.Testing.Har;

/// <summary>Writes a replay decision to Kestrel's response: the recorded response rebased, a 304 from validators, or the 501 of an unmatched request.</summary>
internal static class ReplayResponses
{
    /// <summary>Status of a request no recorded request matches: not retried by the library, and stored by no cache (no-store).</summary>
    public const int UnmatchedStatus = StatusCodes.Status501NotImplemented;

    /// <summary>Fields not replayed: the body is written decoded and its length is Kestrel's, and hop-by-hop fields are the connection's.</summary>
    private static readonly string[] s_skipped =
        ["Content-Length", "Content-Encoding", "Transfer-Encoding", "Connection", "Keep-Alive", "Proxy-Connection", "Upgrade", "TE", "Trailer"];

    /// <summary>What a 304 carries of the full response (RFC 9110 §15.4.5).</summary>
    private static readonly string[] s_notModifiedFields = ["Cache-Control", "Content-Location", "ETag", "Expires", "Vary", "Last-Modified"];

    public static async Task WriteAsync(
        HttpResponse response, ReplayRequest request, ReplayDecision decision, string description, TimeSpan shift, TimeProvider clock, CancellationToken cancellationToken)
    {
        switch (decision.Kind)
        {
            case ReplayAnswerKind.Recorded:
                await RecordedAsync(response, request, decision.Exchange!, shift, cancellationToken).ConfigureAwait(false);
                break;
            case ReplayAnswerKind.NotModified:
                NotModified(response, decision.Exchange!, shift, clock);
                break;
            default:
                response.StatusCode = UnmatchedStatus;
                response.Headers.CacheControl = "no-store";
                response.Headers.Date = DateRebasing.Format(clock.GetUtcNow());
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync($"HAR replay: no recorded request matches {description}.", Encoding.UTF8, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private static async Task RecordedAsync(HttpResponse response, ReplayRequest request, HarExchange exchange, TimeSpan shift, CancellationToken cancellationToken)
    {
        response.StatusCode = exchange.Status;
        foreach (var (name, value) in Fields(exchange, shift))
        {
            if (!s_skipped.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                response.Headers.Append(name, value);
            }
        }

        if (exchange.ResponseHeader("Content-Type") is null && exchange.MimeType is { } mime && exchange.ResponseBody.Length > 0 && mime != "x-unknown")
        {
            response.ContentType = mime;
        }

        var bodiless = request.Method == "HEAD" || exchange.Status is 204 or 205 or 304;
        if (bodiless)
        {
            if (request.Method == "HEAD" && long.TryParse(exchange.ResponseHeader("Content-Length"), out var length) && length >= 0)
            {
                response.ContentLength = length;
            }

            return;
        }

        response.ContentLength = exchange.ResponseBody.Length;
        await response.Body.WriteAsync(exchange.ResponseBody, cancellationToken).ConfigureAwait(false);
    }

    private static void NotModified(HttpResponse response, HarExchange full, TimeSpan shift, TimeProvider clock)
    {
        response.StatusCode = StatusCodes.Status304NotModified;
        foreach (var (name, value) in Fields(full, shift))
        {
            if (s_notModifiedFields.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                response.Headers.Append(name, value);
            }
        }

        response.Headers.Date = DateRebasing.Format(clock.GetUtcNow());
    }

    /// <summary>
    /// The recorded fields, dates rebased, <c>Date</c> added from the entry's start when missing, values beyond ASCII
    /// left out, and a <c>Location</c> or <c>Content-Location</c> on the recorded request's origin made a path, so a
    /// redirect leads to the replaying origin rather than to the recorded one.
    /// </summary>
    public static List<(string Name, string Value)> Fields(HarExchange exchange, TimeSpan shift)
    {
        var fields = new List<(string, string)>();
        var dated = false;
        foreach (var (name, value) in exchange.ResponseHeaders)
        {
            if (!HeaderSyntax.IsAscii(value))
            {
                continue;
            }

            dated |= name.Equals("Date", StringComparison.OrdinalIgnoreCase);
            fields.Add((name, DateRebasing.IsDateField(name) ? DateRebasing.Shift(value, shift) : SameOriginAsPath(name, value, exchange.Url)));
        }

        if (!dated)
        {
            fields.Add(("Date", DateRebasing.Format(DateRebasing.Add(exchange.Started, shift))));
        }

        return fields;
    }

    private static string SameOriginAsPath(string name, string value, Uri recorded)
    {
        if ((name.Equals("Location", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Location", StringComparison.OrdinalIgnoreCase))
            && Uri.TryCreate(value, UriKind.Absolute, out var target)
            && target.Scheme is "http" or "https"
            && string.Equals(target.GetLeftPart(UriPartial.Authority), recorded.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            return target.PathAndQuery + target.Fragment;
        }

        return value;
    }
}
