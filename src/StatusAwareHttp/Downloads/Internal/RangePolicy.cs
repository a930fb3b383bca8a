using System.Net;
using System.Net.Http.Headers;

namespace StatusAwareHttp.Downloads.Internal;

/// <summary>
/// The validator a partial download is resumed against: a strong entity tag, or else a <c>Last-Modified</c> date that
/// is strong (RFC 9110 §13.1.5). Exactly one of the two is set.
/// </summary>
internal sealed record ResumeValidator(EntityTagHeaderValue? ETag, DateTimeOffset? LastModified)
{
    /// <summary>The <c>If-Range</c> value of this validator.</summary>
    public RangeConditionHeaderValue ToIfRange() => ETag is not null ? new RangeConditionHeaderValue(ETag) : new RangeConditionHeaderValue(LastModified!.Value);

    public override string ToString() => ETag?.ToString() ?? LastModified!.Value.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What the download asked for: the first byte it wants, the validator it sent in <c>If-Range</c>, the total it expects.</summary>
/// <param name="Offset">The first byte wanted; 0 means the request had no <c>Range</c>.</param>
/// <param name="IfRange">The validator sent in <c>If-Range</c> (always set when <paramref name="Offset"/> is above 0).</param>
/// <param name="ExpectedTotal">The total length known from earlier answers, if any.</param>
internal readonly record struct RangeRequest(long Offset, ResumeValidator? IfRange, long? ExpectedTotal);

/// <summary>The parts of a response that the range decision reads.</summary>
internal readonly record struct RangeResponse(
    HttpStatusCode Status,
    ContentRangeHeaderValue? ContentRange,
    string? MediaType,
    long? ContentLength,
    EntityTagHeaderValue? ETag,
    DateTimeOffset? LastModified,
    DateTimeOffset? Date,
    bool AcceptRangesNone,
    bool ContentEncoded)
{
    public static RangeResponse From(HttpResponseMessage response)
    {
        var content = response.Content.Headers;
        var acceptRangesNone = false;
        foreach (var unit in response.Headers.AcceptRanges)
        {
            acceptRangesNone |= string.Equals(unit, "none", StringComparison.OrdinalIgnoreCase);
        }

        var encoded = false;
        foreach (var coding in content.ContentEncoding)
        {
            encoded |= !string.Equals(coding, "identity", StringComparison.OrdinalIgnoreCase);
        }

        return new RangeResponse(
            response.StatusCode,
            content.ContentRange,
            content.ContentType?.MediaType,
            content.ContentLength,
            response.Headers.ETag,
            content.LastModified,
            response.Headers.Date,
            acceptRangesNone,
            encoded);
    }
}

/// <summary>What to do with one answer.</summary>
internal enum RangeAction
{
    /// <summary>A valid 206: write its body at the offset asked for.</summary>
    Append,

    /// <summary>A 200: the whole representation; truncate the destination and write its body from zero.</summary>
    Replace,

    /// <summary>An answer that cannot be used: drop it, truncate, and ask again without <c>Range</c>.</summary>
    RestartWithoutRange,

    /// <summary>The destination already holds the whole representation (416 with a matching complete length).</summary>
    Complete,

    /// <summary>Stop with a <see cref="DownloadException"/>.</summary>
    Fail,
}

/// <summary>Why bytes already in the destination are discarded. The names are the <c>reason</c> tag of the restart counter.</summary>
internal enum RestartReason
{
    None,
    NoSidecar,
    DifferentUri,
    NoValidator,
    Changed,
    RangeIgnored,
    BadContentRange,
    ValidatorMismatch,
    LengthChanged,
    RangeNotSatisfiable,
    TooLong,
    DigestMismatch,
}

/// <summary>The decision for one answer.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Restart">Why existing bytes are discarded (for <see cref="RangeAction.Replace"/> after a range request and <see cref="RangeAction.RestartWithoutRange"/>).</param>
/// <param name="Failure">Why the download stops (for <see cref="RangeAction.Fail"/>).</param>
/// <param name="Offset">Where the body goes.</param>
/// <param name="BodyLength">How many body bytes the answer announced, if known.</param>
/// <param name="Total">The total length of the representation, if known.</param>
/// <param name="Validator">The validator to resume this representation with later; <see langword="null"/> when it cannot be resumed.</param>
internal readonly record struct RangeDecision(
    RangeAction Action,
    RestartReason Restart,
    DownloadFailureReason Failure,
    long Offset,
    long? BodyLength,
    long? Total,
    ResumeValidator? Validator)
{
    public static RangeDecision RestartWithoutRange(RestartReason reason) => new(RangeAction.RestartWithoutRange, reason, default, 0, null, null, null);

    public static RangeDecision Fail(DownloadFailureReason reason) => new(RangeAction.Fail, RestartReason.None, reason, 0, null, null, null);
}

/// <summary>The range and resume rules of RFC 9110 §14 and §13.1.5, as pure functions.</summary>
internal static class RangePolicy
{
    /// <summary>
    /// How long after <c>Last-Modified</c> the response's <c>Date</c> must be for the date to be a strong validator
    /// (RFC 9110 §8.8.2.2: at least one second, both from the origin's clock).
    /// </summary>
    public static readonly TimeSpan StrongDateMargin = TimeSpan.FromSeconds(1);

    /// <summary>The validator to resume a representation with, or <see langword="null"/> when it must not be resumed.</summary>
    public static ResumeValidator? ChooseValidator(EntityTagHeaderValue? eTag, DateTimeOffset? lastModified, DateTimeOffset? date, bool contentEncoded, bool acceptRangesNone)
    {
        // §14.3: a server that says Accept-Ranges: none will not serve the rest; resuming would only cost a request.
        if (acceptRangesNone)
        {
            return null;
        }

        // §14.4, §8.4: ranges count encoded bytes; a body with a content coding is not resumed.
        if (contentEncoded)
        {
            return null;
        }

        if (eTag is not null)
        {
            // §13.1.5: a client MUST NOT send a weak entity tag in If-Range, nor a date when it has an entity tag.
            return eTag.IsWeak ? null : new ResumeValidator(eTag, null);
        }

        // §13.1.5, §8.8.2.2: a date only when it is strong: Date at least one second after Last-Modified.
        if (lastModified is { } modified && date is { } sent && sent - modified >= StrongDateMargin)
        {
            return new ResumeValidator(null, modified);
        }

        // §13.1.5: no strong validator, no If-Range, so no safe resume.
        return null;
    }

    /// <summary>Whether an answer carrying <paramref name="eTag"/> and <paramref name="lastModified"/> names a validator other than <paramref name="ifRange"/> (so another representation).</summary>
    public static bool ValidatorDiffers(ResumeValidator ifRange, EntityTagHeaderValue? eTag, DateTimeOffset? lastModified)
    {
        if (ifRange.ETag is { } sent)
        {
            // §8.8.3.2: If-Range uses the strong comparison: both strong and the same opaque tag.
            return eTag is not null && (eTag.IsWeak || !string.Equals(eTag.Tag, sent.Tag, StringComparison.Ordinal));
        }

        return lastModified is { } modified && modified != ifRange.LastModified;
    }

    /// <summary>The decision for <paramref name="response"/> to <paramref name="request"/>.</summary>
    public static RangeDecision Decide(RangeRequest request, RangeResponse response)
    {
        var validator = ChooseValidator(response.ETag, response.LastModified, response.Date, response.ContentEncoded, response.AcceptRangesNone);
        switch ((int)response.Status)
        {
            case 200:
                return DecideFull(request, response, validator);
            case 206:
                return DecidePartial(request, response, validator);
            case 416:
                return DecideNotSatisfiable(request, response);
            default:
                // Anything else is not an answer to a download (§15); the partial file is kept for a later call.
                return RangeDecision.Fail(DownloadFailureReason.UnexpectedStatus);
        }
    }

    private static RangeDecision DecideFull(RangeRequest request, RangeResponse response, ResumeValidator? validator)
    {
        var reason = RestartReason.None;
        if (request.Offset > 0)
        {
            // §13.1.5: If-Range did not match, so the server sent the new representation whole;
            // §14.2: or the server ignores Range. Either way this 200 is the whole thing, from byte 0.
            reason = request.IfRange is { } sent && ValidatorDiffers(sent, response.ETag, response.LastModified)
                ? RestartReason.Changed
                : RestartReason.RangeIgnored;
        }

        return new RangeDecision(RangeAction.Replace, reason, default, 0, response.ContentLength, response.ContentLength, validator);
    }

    private static RangeDecision DecidePartial(RangeRequest request, RangeResponse response, ResumeValidator? validator)
    {
        // §14.6: we asked one range; a multipart answer is not something we can write.
        if (response.MediaType is { } media && media.StartsWith("multipart/byteranges", StringComparison.OrdinalIgnoreCase))
        {
            return RangeDecision.Fail(DownloadFailureReason.MultipartByteRanges);
        }

        // §14.4: a single-part 206 MUST carry Content-Range in bytes, with a range.
        if (response.ContentRange is not { HasRange: true } range
            || !string.Equals(range.Unit, "bytes", StringComparison.OrdinalIgnoreCase)
            || range.From is not { } from
            || range.To is not { } to)
        {
            return RangeDecision.RestartWithoutRange(RestartReason.BadContentRange);
        }

        // §14.4: the range must start where we asked and be well formed (last-pos >= first-pos, inside complete-length).
        if (from != request.Offset || to < from || (range.Length is { } length && to >= length))
        {
            return RangeDecision.RestartWithoutRange(RestartReason.BadContentRange);
        }

        // §14.4: the complete length must agree with the one we already know, else it is another representation.
        if (range.Length is { } complete && request.ExpectedTotal is { } expected && complete != expected)
        {
            return RangeDecision.RestartWithoutRange(RestartReason.LengthChanged);
        }

        var total = range.Length ?? request.ExpectedTotal;

        // §14.4 ("*" complete length) with a known total: the range must still end inside it.
        if (total is { } known && to >= known)
        {
            return RangeDecision.RestartWithoutRange(RestartReason.BadContentRange);
        }

        var span = to - from + 1;

        // §8.6: Content-Length of a 206 is the length of the part; it must match the range.
        if (response.ContentLength is { } bodyLength && bodyLength != span)
        {
            return RangeDecision.RestartWithoutRange(RestartReason.BadContentRange);
        }

        // §13.1.5: a 206 to If-Range means the validator matched; one that names another validator is not appended.
        if (request.IfRange is { } sent && ValidatorDiffers(sent, response.ETag, response.LastModified))
        {
            return RangeDecision.RestartWithoutRange(RestartReason.ValidatorMismatch);
        }

        // §15.3.7: the 206 may omit the validator; we keep the one we resumed with.
        return new RangeDecision(RangeAction.Append, RestartReason.None, default, from, span, total, request.IfRange ?? validator);
    }

    private static RangeDecision DecideNotSatisfiable(RangeRequest request, RangeResponse response)
    {
        if (request.Offset == 0)
        {
            // §15.5.17: a 416 to a request without Range is not an answer we can use.
            return RangeDecision.Fail(DownloadFailureReason.UnexpectedStatus);
        }

        // §13.1.5: a 416 that names another validator speaks of another representation.
        if (request.IfRange is { } sent && ValidatorDiffers(sent, response.ETag, response.LastModified))
        {
            return RangeDecision.RestartWithoutRange(RestartReason.Changed);
        }

        // §15.5.17, §14.4: "bytes */N" is the current length; N equal to what we hold means we hold it all.
        if (response.ContentRange is { HasRange: false, Length: { } complete }
            && complete == request.Offset
            && (request.ExpectedTotal is null || request.ExpectedTotal == complete))
        {
            return new RangeDecision(RangeAction.Complete, RestartReason.None, default, complete, 0, complete, request.IfRange);
        }

        // §15.5.17: our offset is past the end of what the server has now: what we hold is not a prefix of it.
        return RangeDecision.RestartWithoutRange(RestartReason.RangeNotSatisfiable);
    }
}
