using Microsoft.Net.Http.Headers;

namespace StatusAwareHttp.Testing.Internal;

/// <summary>What the preconditions of a request decide (RFC 9110 §13.2.2).</summary>
internal enum PreconditionOutcome
{
    /// <summary>Every precondition holds (or none was sent): the method is performed.</summary>
    Proceed,

    /// <summary>304 Not Modified: a GET or HEAD whose validators still match.</summary>
    NotModified,

    /// <summary>412 Precondition Failed.</summary>
    Failed,
}

/// <summary>
/// The conditional request fields evaluated in the order of RFC 9110 §13.2.2: If-Match, If-Unmodified-Since (only
/// without If-Match), If-None-Match, If-Modified-Since (only without If-None-Match, only for GET and HEAD). Pure.
/// </summary>
internal static class Preconditions
{
    /// <summary>Decides a request's preconditions against the selected representation's validators.</summary>
    /// <param name="method">The request method.</param>
    /// <param name="fields">The request's conditional fields (each field's lines joined with commas; null when absent).</param>
    /// <param name="etag">The representation's current entity tag (with quotes, possibly <c>W/</c>), or null.</param>
    /// <param name="lastModified">The representation's Last-Modified, or null.</param>
    /// <param name="exists">Whether the target has a current representation.</param>
    public static PreconditionOutcome Evaluate(string method, ConditionalFields fields, string? etag, DateTimeOffset? lastModified, bool exists)
    {
        var getOrHead = method is "GET" or "HEAD";

        // §13.2.2 step 1: If-Match (strong comparison, §13.1.1).
        if (fields.IfMatch is { } ifMatch)
        {
            if (!MatchesAny(ifMatch, etag, exists, weak: false))
            {
                return PreconditionOutcome.Failed;
            }
        }
        else if (fields.IfUnmodifiedSince is { } ifUnmodifiedSince
            && lastModified is { } modified
            && TryParseDate(ifUnmodifiedSince, out var unmodifiedSince)
            && Seconds(modified) > Seconds(unmodifiedSince))
        {
            // Step 2: If-Unmodified-Since, ignored when not a valid HTTP-date or without a modification date (§13.1.4).
            return PreconditionOutcome.Failed;
        }

        // Step 3: If-None-Match (weak comparison, §13.1.2).
        if (fields.IfNoneMatch is { } ifNoneMatch)
        {
            if (MatchesAny(ifNoneMatch, etag, exists, weak: true))
            {
                return getOrHead ? PreconditionOutcome.NotModified : PreconditionOutcome.Failed;
            }

            return PreconditionOutcome.Proceed;
        }

        // Step 4: If-Modified-Since, only for GET and HEAD, ignored when invalid or without a modification date (§13.1.3).
        if (getOrHead
            && fields.IfModifiedSince is { } ifModifiedSince
            && lastModified is { } changed
            && TryParseDate(ifModifiedSince, out var modifiedSince)
            && Seconds(changed) <= Seconds(modifiedSince))
        {
            return PreconditionOutcome.NotModified;
        }

        return PreconditionOutcome.Proceed;
    }

    /// <summary>
    /// Whether the If-Range condition holds (RFC 9110 §13.1.5): an entity tag matches the current one by strong
    /// comparison (a weak tag never does); a date matches Last-Modified exactly and only when Last-Modified is a strong
    /// validator (at least one second before the response's Date, §8.8.2.2).
    /// </summary>
    public static bool IfRangeHolds(string ifRange, string? etag, DateTimeOffset? lastModified, DateTimeOffset date)
    {
        var value = ifRange.Trim();
        if (value.StartsWith('"') || value.StartsWith("W/", StringComparison.Ordinal))
        {
            return etag is not null
                && !IsWeak(value)
                && !IsWeak(etag)
                && string.Equals(value, etag, StringComparison.Ordinal);
        }

        if (lastModified is not { } modified || !TryParseDate(value, out var since))
        {
            return false;
        }

        return Seconds(since) == Seconds(modified) && Seconds(date) - Seconds(modified) >= 1;
    }

    /// <summary>Whether a field value of entity tags (or <c>*</c>) matches the current tag.</summary>
    private static bool MatchesAny(string field, string? etag, bool exists, bool weak)
    {
        if (field.Trim() == "*")
        {
            return exists;
        }

        if (etag is null || !exists || !EntityTagHeaderValue.TryParseList([field], out var tags))
        {
            return false;
        }

        var current = EntityTagHeaderValue.Parse(etag);
        foreach (var tag in tags)
        {
            if (tag.Compare(current, useStrongComparison: !weak))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWeak(string tag) => tag.StartsWith("W/", StringComparison.Ordinal);

    private static bool TryParseDate(string value, out DateTimeOffset date)
    {
        // One member only (§13.1.3, §13.1.4): a list of dates is not a valid HTTP-date.
        return HeaderUtilities.TryParseDate(value.Trim(), out date);
    }

    private static long Seconds(DateTimeOffset time) => time.ToUnixTimeSeconds();
}

/// <summary>The conditional fields of a request (RFC 9110 §13.1), each field's lines joined with commas.</summary>
internal readonly record struct ConditionalFields(
    string? IfMatch = null,
    string? IfNoneMatch = null,
    string? IfModifiedSince = null,
    string? IfUnmodifiedSince = null);
