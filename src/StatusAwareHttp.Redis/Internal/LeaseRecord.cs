using System.Buffers;
using System.Globalization;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>
/// The value of a lease key, <c>statusawarehttp:1:{token}:{acquired}</c>: its holder's token and the time it was acquired
/// in milliseconds since 1970 by the Redis server's clock (the scripts read <c>TIME</c>, so that the instances' clocks
/// need not agree), and the judgement of a holder found there. Pure.
/// </summary>
internal static class LeaseRecord
{
    public const string Prefix = "statusawarehttp:1:";

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>The value before its time, which the script appends: <c>statusawarehttp:1:{token}:</c>.</summary>
    public static string Head(string token) => Prefix + token + ":";

    public static string Format(string token, long acquiredMs) => Head(token) + acquiredMs.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads a value this library wrote: a 32-hex-digit token and a time; anything else is foreign.</summary>
    public static bool TryParse(string? value, out long acquiredMs)
    {
        acquiredMs = 0;
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = value.AsSpan(Prefix.Length);
        return rest.Length > 33 && rest[32] == ':'
            && IsToken(rest[..32])
            && rest[33..].IndexOfAnyExceptInRange('0', '9') < 0 && rest.Length - 33 <= 15
            && long.TryParse(rest[33..], NumberStyles.None, CultureInfo.InvariantCulture, out acquiredMs);
    }

    /// <summary>
    /// Judges the holder of a lease this instance could not take: <paramref name="type"/> is the key's Redis type
    /// (<c>none</c> when it is gone), <paramref name="value"/> its value when a string, <paramref name="ttlMs"/> its
    /// <c>PTTL</c> (-1 without an expiry), <paramref name="nowMs"/> the server's time. A holder is taken over when the
    /// key is gone, holds a value this library did not write (or dated later than now, which its clock cannot have
    /// written), is as old as <paramref name="leaseTime"/> by its own record, or has no expiry; otherwise it is waited for
    /// until it is that old.
    /// </summary>
    public static LeaseJudgement Judge(string type, string? value, long ttlMs, long nowMs, TimeSpan leaseTime)
    {
        if (type == "none")
        {
            return new LeaseJudgement(LeaseVerdict.Gone, TimeSpan.Zero);
        }

        if (type != "string" || !TryParse(value, out var acquiredMs) || acquiredMs > nowMs)
        {
            return new LeaseJudgement(LeaseVerdict.Foreign, TimeSpan.Zero);
        }

        var age = TimeSpan.FromMilliseconds(nowMs - acquiredMs);
        if (age >= leaseTime)
        {
            return new LeaseJudgement(LeaseVerdict.Outlived, TimeSpan.Zero);
        }

        return ttlMs == -1
            ? new LeaseJudgement(LeaseVerdict.NoExpiry, TimeSpan.Zero)
            : new LeaseJudgement(LeaseVerdict.Wait, leaseTime - age);
    }

    private static bool IsToken(ReadOnlySpan<char> token) => token.IndexOfAnyExcept(LowerHex) < 0;
}

/// <summary>What is done about a lease held by someone else.</summary>
internal enum LeaseVerdict
{
    /// <summary>A live holder, maybe: waited for, at most until its record is <c>LeaseTime</c> old.</summary>
    Wait,

    /// <summary>Gone meanwhile: taken.</summary>
    Gone,

    /// <summary>A value (or a type) this library did not write: taken over.</summary>
    Foreign,

    /// <summary>Older than <c>LeaseTime</c> by its own record (its holder died, and its expiry was changed or lost): taken over.</summary>
    Outlived,

    /// <summary>A lease without an expiry (this library always sets one): taken over.</summary>
    NoExpiry,
}

/// <summary>A verdict, and for <see cref="LeaseVerdict.Wait"/> how long the record may still live.</summary>
internal readonly record struct LeaseJudgement(LeaseVerdict Verdict, TimeSpan Remaining)
{
    public bool TakesOver => Verdict != LeaseVerdict.Wait;

    /// <summary>Gets the reason of a take-over, for the log.</summary>
    public string Reason => Verdict switch
    {
        LeaseVerdict.Foreign => "it did not write",
        LeaseVerdict.Outlived => "older than its lease time by its own record",
        LeaseVerdict.NoExpiry => "without an expiry",
        _ => "that was gone",
    };
}
