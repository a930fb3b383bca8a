using System.Globalization;
using System.Net;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>
/// A closed gate as published on the gates channel: <c>instance|hold in ms|status|scheme://host:port</c>. The hold is a
/// duration from the publication, so that the instances' clocks need not agree. Reading never throws.
/// </summary>
internal readonly record struct GateMessage(string Instance, TimeSpan Hold, HttpStatusCode Status, Uri Origin)
{
    /// <summary>The longest hold read from a message (what <c>RetryOptions.MaxRetryAfter</c> allows at most).</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromHours(1);

    public static string Format(string instance, Uri uri, TimeSpan hold, HttpStatusCode status) =>
        string.Create(CultureInfo.InvariantCulture, $"{instance}|{(long)Math.Ceiling(hold.TotalMilliseconds)}|{(int)status}|{uri.Scheme}://{uri.IdnHost}:{uri.Port}");

    public static bool TryParse(string? text, out GateMessage message)
    {
        message = default;
        if (text is null)
        {
            return false;
        }

        var parts = text.Split('|', 4);
        if (parts.Length != 4 || parts[0].Length == 0
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status is < 100 or > 599
            || !Uri.TryCreate(parts[3], UriKind.Absolute, out var origin) || (origin.Scheme != Uri.UriSchemeHttp && origin.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        var hold = ms > MaxHold.TotalMilliseconds ? MaxHold : TimeSpan.FromMilliseconds(ms);
        message = new GateMessage(parts[0], hold, (HttpStatusCode)status, origin);
        return true;
    }
}
