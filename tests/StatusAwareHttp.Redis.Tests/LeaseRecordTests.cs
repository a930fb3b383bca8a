using StatusAwareHttp.Redis.Internal;

namespace StatusAwareHttp.Redis.Tests;

/// <summary>The judgement of a lease's holder (pure): taken over, or waited for and how long.</summary>
public sealed class LeaseRecordTests
{
    private const long Now = 1_700_000_000_000;
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(10);
    private static readonly string Token = new('a', 32);

    public static TheoryData<string, string, string?, long, string, int> Holders => new()
    {
        // case, type, value, PTTL ms, verdict, remaining ms
        { "live, just taken", "string", LeaseRecord.Format(Token, Now), 10_000, "Wait", 10_000 },
        { "live, 4 s old", "string", LeaseRecord.Format(Token, Now - 4_000), 6_000, "Wait", 6_000 },
        { "live, a longer TTL than this lease time", "string", LeaseRecord.Format(Token, Now - 4_000), 3_600_000, "Wait", 6_000 },
        { "exactly the lease time old", "string", LeaseRecord.Format(Token, Now - 10_000), 3_600_000, "Outlived", 0 },
        { "an hour old", "string", LeaseRecord.Format(Token, Now - 3_600_000), 5_000, "Outlived", 0 },
        { "no expiry", "string", LeaseRecord.Format(Token, Now - 1), -1, "NoExpiry", 0 },
        { "old and no expiry", "string", LeaseRecord.Format(Token, Now - 60_000), -1, "Outlived", 0 },
        { "dated in the future", "string", LeaseRecord.Format(Token, Now + 1), 10_000, "Foreign", 0 },
        { "foreign text", "string", "held by something else", 10_000, "Foreign", 0 },
        { "empty", "string", "", -1, "Foreign", 0 },
        { "own prefix, short token", "string", "statusawarehttp:1:abc:" + Now, 10_000, "Foreign", 0 },
        { "own prefix, upper-case token", "string", LeaseRecord.Format(new string('A', 32), Now), 10_000, "Foreign", 0 },
        { "own prefix, no time", "string", LeaseRecord.Head(Token), 10_000, "Foreign", 0 },
        { "own prefix, signed time", "string", LeaseRecord.Head(Token) + "-5", 10_000, "Foreign", 0 },
        { "own prefix, time too long", "string", LeaseRecord.Head(Token) + new string('9', 20), 10_000, "Foreign", 0 },
        { "another version", "string", "statusawarehttp:2:" + Token + ":" + Now, 10_000, "Foreign", 0 },
        { "a hash", "hash", null, 10_000, "Foreign", 0 },
        { "gone", "none", null, -2, "Gone", 0 },
    };

    [Theory]
    [MemberData(nameof(Holders))]
    public void A_holder_is_waited_for_until_its_record_is_the_lease_time_old_or_taken_over(string holder, string type, string? value, long ttlMs, string verdict, int remainingMs)
    {
        var judgement = LeaseRecord.Judge(type, value, ttlMs, Now, LeaseTime);

        Assert.True((verdict, TimeSpan.FromMilliseconds(remainingMs)) == (judgement.Verdict.ToString(), judgement.Remaining), $"{holder}: {judgement}");
        Assert.Equal(verdict != "Wait", judgement.TakesOver);
    }

    [Fact]
    public void A_record_reads_back_its_time()
    {
        Assert.True(LeaseRecord.TryParse(LeaseRecord.Format(Token, Now), out var acquired));
        Assert.Equal(Now, acquired);
    }
}
