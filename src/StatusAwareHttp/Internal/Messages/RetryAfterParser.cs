using System.Globalization;

namespace StatusAwareHttp.Internal;

/// <summary>
/// Parses <c>Retry-After</c> (RFC 9110 §10.2.3): delta-seconds, or an HTTP-date in any of the three formats of
/// §5.6.7 (IMF-fixdate, obsolete RFC 850, asctime). Pure: the current time is an argument.
/// </summary>
internal static class RetryAfterParser
{
    /// <summary>The longest delay we represent; larger values are clamped to it (the caller's cap decides).</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(365);

    /// <summary>Reads the first <c>Retry-After</c> value of <paramref name="response"/>.</summary>
    public static bool TryParse(HttpResponseMessage response, DateTimeOffset now, out TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(response);
        delay = TimeSpan.Zero;
        return response.Headers.NonValidated.TryGetValues("Retry-After", out var values)
            && values.Count > 0
            && TryParse(values.First(), now, out delay);
    }

    /// <summary>
    /// Parses one field value. A date in the past gives <see cref="TimeSpan.Zero"/>; garbage, negative numbers
    /// and an empty value give <see langword="false"/>. Values beyond <see cref="MaxDelay"/> are clamped to it.
    /// </summary>
    public static bool TryParse(string? value, DateTimeOffset now, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.AsSpan().Trim();

        // delta-seconds = 1*DIGIT (§10.2.3); no sign, no fraction.
        if (IsAllDigits(text))
        {
            delay = ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < (ulong)MaxDelay.TotalSeconds
                ? TimeSpan.FromSeconds(seconds)
                : MaxDelay;
            return true;
        }

        // HTTP-date (§5.6.7, any of its three formats): a time in the past means "now".
        if (HttpDate.TryParse(value, now, out var date))
        {
            var wait = date - now;
            delay = wait <= TimeSpan.Zero ? TimeSpan.Zero : wait > MaxDelay ? MaxDelay : wait;
            return true;
        }

        return false;
    }

    private static bool IsAllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return text.Length > 0;
    }
}
