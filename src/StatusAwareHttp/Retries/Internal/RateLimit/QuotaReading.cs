using System.Globalization;
using System.Net.Http.Headers;

namespace StatusAwareHttp.Retries.Internal.RateLimit;

/// <summary>One quota a fresh answer reports: its policy, what is left of it, when it resets, and its full size if known.</summary>
internal readonly record struct QuotaReport(string Policy, long Remaining, TimeSpan? ResetIn, bool Partitioned, long? Quota, TimeSpan? Window);

/// <summary>What reading a response's rate-limit fields gave.</summary>
internal enum QuotaReadingKind
{
    /// <summary>No field to read (or reading is off).</summary>
    None,

    /// <summary>The quotas of <see cref="QuotaReading.Reports"/>.</summary>
    Read,

    /// <summary>The response came from storage (<c>Age</c> positive): its fields may be stale, so they are ignored (§7.3).</summary>
    Aged,

    /// <summary>A field is malformed and ignored (§7).</summary>
    Malformed,
}

/// <summary>The quotas one response reports, or why none are read.</summary>
internal readonly record struct QuotaReading(QuotaReadingKind Kind, IReadOnlyList<QuotaReport> Reports, string? MalformedField = null)
{
    public static readonly QuotaReading None = new(QuotaReadingKind.None, []);
}

/// <summary>
/// Reads the quotas a response reports: the <c>RateLimit</c> field with the <c>RateLimit-Policy</c> field's sizes
/// (draft-ietf-httpapi-ratelimit-headers-11 §3, §4), or, only when the app names how to read <c>-Reset</c>, the older
/// <c>X-RateLimit-*</c> pairs. Pure: the current time is an argument.
/// </summary>
internal static class QuotaFieldReader
{
    public const string RateLimitField = "RateLimit";
    public const string RateLimitPolicyField = "RateLimit-Policy";
    public const string XLimitField = "X-RateLimit-Limit";
    public const string XRemainingField = "X-RateLimit-Remaining";
    public const string XResetField = "X-RateLimit-Reset";

    /// <summary>The policy name the <c>X-RateLimit-*</c> fields are reported under (they name none).</summary>
    public const string XRateLimitPolicy = "x-ratelimit";

    /// <summary>Reads <paramref name="response"/>'s fields.</summary>
    public static QuotaReading Read(HttpResponseMessage response, XRateLimitReset xReset, DateTimeOffset now)
    {
        var fields = response.Headers.NonValidated;
        var hasLimit = fields.TryGetValues(RateLimitField, out var limitLines);
        if (!hasLimit && (xReset == XRateLimitReset.Ignored || !fields.Contains(XRemainingField)))
        {
            return QuotaReading.None;
        }

        // §7.3: fields on a response that comes from a cache (a positive current_age, RFC 9111 §4.2.3) may not be
        // current and are ignored. Only the Age field says so: Date has one-second precision, and a fresh answer whose
        // Date lags the clock by a second has not been stored.
        if (response.Headers.Age is { } age && age > TimeSpan.Zero)
        {
            return new QuotaReading(QuotaReadingKind.Aged, []);
        }

        return hasLimit ? ReadDraft(limitLines, fields) : ReadLegacy(fields, xReset, now);
    }

    private static QuotaReading ReadDraft(HeaderStringValues limitLines, HttpHeadersNonValidated fields)
    {
        var limits = new List<ServiceLimit>(2);
        if (!RateLimitFieldParser.TryParseLimits(limitLines, limits))
        {
            return new QuotaReading(QuotaReadingKind.Malformed, [], RateLimitField);
        }

        // §7: the policy's details are informative and MAY be ignored; a malformed one costs only the sizes.
        var policies = new List<QuotaPolicy>(2);
        if (fields.TryGetValues(RateLimitPolicyField, out var policyLines) && !RateLimitFieldParser.TryParsePolicies(policyLines, policies))
        {
            policies.Clear();
        }

        var reports = new List<QuotaReport>(limits.Count);
        foreach (var limit in limits)
        {
            QuotaPolicy? policy = null;
            foreach (var candidate in policies)
            {
                if (candidate.Name == limit.Policy)
                {
                    policy = candidate;
                }
            }

            reports.Add(new QuotaReport(
                limit.Policy,
                limit.Remaining,
                limit.ResetSeconds is { } t ? TimeSpan.FromSeconds(t) : null,
                limit.Partitioned,
                policy?.Quota,
                policy?.WindowSeconds is { } w ? TimeSpan.FromSeconds(w) : null));
        }

        return reports.Count == 0 ? QuotaReading.None : new QuotaReading(QuotaReadingKind.Read, reports);
    }

    private static QuotaReading ReadLegacy(HttpHeadersNonValidated fields, XRateLimitReset xReset, DateTimeOffset now)
    {
        if (!TryInteger(fields, XRemainingField, out var remaining, out var present) || !present)
        {
            return new QuotaReading(QuotaReadingKind.Malformed, [], XRemainingField);
        }

        if (!TryInteger(fields, XLimitField, out var limit, out var hasLimit))
        {
            return new QuotaReading(QuotaReadingKind.Malformed, [], XLimitField);
        }

        if (!TryInteger(fields, XResetField, out var reset, out var hasReset))
        {
            return new QuotaReading(QuotaReadingKind.Malformed, [], XResetField);
        }

        TimeSpan? resetIn = null;
        if (hasReset)
        {
            var seconds = xReset == XRateLimitReset.UnixTime ? reset - now.ToUnixTimeSeconds() : reset;
            resetIn = TimeSpan.FromSeconds(Math.Clamp(seconds, 0, RateLimitFieldParser.MaxSeconds));
        }

        return new QuotaReading(QuotaReadingKind.Read, [new QuotaReport(XRateLimitPolicy, remaining, resetIn, false, hasLimit ? limit : null, null)]);
    }

    /// <summary>One non-negative decimal integer (one line, up to 15 digits); absent is fine, anything else is malformed.</summary>
    private static bool TryInteger(HttpHeadersNonValidated fields, string name, out long value, out bool present)
    {
        value = 0;
        present = fields.TryGetValues(name, out var lines);
        if (!present)
        {
            return true;
        }

        if (lines.Count != 1)
        {
            return false;
        }

        var text = lines.ToString().AsSpan().Trim(' ');
        if (text.Length is 0 or > 15)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
