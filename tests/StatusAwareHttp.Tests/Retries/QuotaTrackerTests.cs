using StatusAwareHttp.Retries.Internal.RateLimit;

namespace StatusAwareHttp.Tests.Retries;

/// <summary>The per-origin quota state, pure on a fixed clock.</summary>
public sealed class QuotaTrackerTests
{
    private const string Origin = "http://127.0.0.1:80";
    private static readonly DateTimeOffset s_now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static QuotaReport Report(long r, int? t, bool pk = false, long? q = null, int? w = null) =>
        new("p", r, t is { } s ? TimeSpan.FromSeconds(s) : null, pk, q, w is { } ws ? TimeSpan.FromSeconds(ws) : null);

    [Fact]
    public void Four_callers_racing_for_the_last_unit_send_one()
    {
        var tracker = new QuotaTracker();
        tracker.Report(Origin, "", null, [Report(1, 10)], s_now);

        var decisions = Enumerable.Range(0, 4).Select(_ => tracker.TryTake(Origin, "", s_now, spread: false)).ToArray();

        Assert.Equal(1, decisions.Count(d => d.Action == QuotaAction.Send));
        Assert.All(decisions.Where(d => d.Action == QuotaAction.Wait), d => Assert.Equal(TimeSpan.FromSeconds(10), d.Wait));
    }

    [Fact]
    public void An_answer_that_overtook_an_earlier_one_never_raises_the_count_within_the_window()
    {
        var tracker = new QuotaTracker();
        tracker.Report(Origin, "", null, [Report(1, 10)], s_now);
        tracker.Report(Origin, "", null, [Report(3, 10)], s_now.AddMilliseconds(100));
        Assert.Equal(QuotaAction.Send, tracker.TryTake(Origin, "", s_now, false).Action);
        Assert.Equal(QuotaAction.Wait, tracker.TryTake(Origin, "", s_now, false).Action);
    }

    [Theory]
    [InlineData(0, 10, 9.999, "wait")]   // exhausted: until t has passed
    [InlineData(0, 10, 10, "send")]      // then sent
    [InlineData(0, null, 0, "send")]     // r=0 with no t: nothing says when; not held
    [InlineData(2, 10, 0, "send")]
    public void An_exhausted_quota_holds_until_its_window_ends(long r, int? t, double after, string expected)
    {
        var tracker = new QuotaTracker();
        tracker.Report(Origin, "", null, [Report(r, t)], s_now);
        var decision = tracker.TryTake(Origin, "", s_now.AddSeconds(after), false);
        Assert.Equal(expected, decision.Action == QuotaAction.Send ? "send" : "wait");
    }

    [Fact]
    public void Once_the_window_ends_the_policy_size_is_free_again()
    {
        var tracker = new QuotaTracker();
        tracker.Report(Origin, "", null, [Report(0, 2, q: 3, w: 2)], s_now);
        var later = s_now.AddSeconds(2);
        Assert.Equal(3, Enumerable.Range(0, 5).Count(_ => tracker.TryTake(Origin, "", later, false).Action == QuotaAction.Send));
    }

    [Fact]
    public void A_partitioned_quota_holds_only_its_partition_and_other_origins_are_never_held()
    {
        var tracker = new QuotaTracker();
        tracker.Report(Origin, "alice", null, [Report(0, 10, pk: true)], s_now);
        Assert.True(tracker.HasPartitions(Origin));
        Assert.Equal(QuotaAction.Wait, tracker.TryTake(Origin, "alice", s_now, false).Action);
        Assert.Equal(QuotaAction.Send, tracker.TryTake(Origin, "bob", s_now, false).Action);
        Assert.Equal(QuotaAction.Send, tracker.TryTake("http://127.0.0.1:81", "alice", s_now, false).Action);
    }

    [Fact]
    public void Spread_mode_sends_one_request_every_t_over_r()
    {
        var tracker = new QuotaTracker();
        tracker.Report(Origin, "", null, [Report(4, 8)], s_now);

        var first = tracker.TryTake(Origin, "", s_now, spread: true);
        var second = tracker.TryTake(Origin, "", s_now, spread: true);

        Assert.Equal(QuotaAction.Send, first.Action);
        Assert.Equal(QuotaAction.Wait, second.Action);
        Assert.Equal(TimeSpan.FromSeconds(2), second.Wait); // 8 s ÷ 4 units
        Assert.Equal(QuotaAction.Send, tracker.TryTake(Origin, "", s_now.AddSeconds(2), spread: true).Action);
    }

    [Fact]
    public void A_unit_comes_back_when_its_request_fails()
    {
        var tracker = new QuotaTracker();
        tracker.Report(Origin, "", null, [Report(1, 10)], s_now);
        var taken = tracker.TryTake(Origin, "", s_now, false);
        var waiting = tracker.TryTake(Origin, "", s_now, false);
        Assert.False(waiting.Changed.IsCompleted);

        tracker.Return(taken.Ticket);

        Assert.True(waiting.Changed.IsCompleted);
        Assert.Equal(QuotaAction.Send, tracker.TryTake(Origin, "", s_now, false).Action);
    }

    [Fact]
    public void Exhausting_an_origin_wide_quota_reports_the_hold_but_a_partition_does_not_close_the_origin()
    {
        var tracker = new QuotaTracker();
        var update = tracker.Report(Origin, "", null, [Report(0, 4)], s_now);
        Assert.Equal((true, TimeSpan.FromSeconds(4)), (update.OriginExhausted, update.Hold));

        update = tracker.Report("http://other:80", "alice", null, [Report(0, 4, pk: true)], s_now);
        Assert.False(update.OriginExhausted);
    }

    [Fact]
    public void Requests_sent_before_the_quota_was_known_count_until_their_answers_come()
    {
        var tracker = new QuotaTracker();
        for (var i = 0; i < 4; i++)
        {
            tracker.Sending(); // four callers' first requests, sent with nothing known
        }

        tracker.Report(Origin, "", null, [Report(4, 10)], s_now); // the first answer: 3 others still in flight
        tracker.Answered();
        Assert.Equal(QuotaAction.Send, tracker.TryTake(Origin, "", s_now, false).Action);
        Assert.Equal(QuotaAction.Wait, tracker.TryTake(Origin, "", s_now, false).Action);

        // Another early answer: r=3 less the 2 still untracked and the 1 tracked: nothing free (5 sent, the quota).
        tracker.Report(Origin, "", null, [Report(3, 10)], s_now);
        Assert.Equal(QuotaAction.Wait, tracker.TryTake(Origin, "", s_now, false).Action);
    }
}
