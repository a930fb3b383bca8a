using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Caching.Internal;
using static StatusAwareHttp.Tests.Caching.CacheStrategyTests;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>
/// What an origin's answer does to the stored entry (<see cref="OriginAnswers.Decide"/>), one table per rule, the
/// foreground, background and HEAD rows side by side: the same answer must come to the same storage on every path
/// that can carry it, except where a row says why not.
/// </summary>
public sealed class OriginAnswersTests
{
    private static readonly HeuristicSettings s_heuristic = new(0.1, TimeSpan.FromDays(1));
    private static readonly CacheRule s_lifetimeRule = new() { PathPrefix = "/", Lifetime = TimeSpan.FromMinutes(5) };
    private static readonly CacheRule s_noStoreRule = new() { PathPrefix = "/", NoStore = true };

    // The stored entry: a 200 of 3 bytes, max-age=60, ETag "e", stored 2 minutes before the answer (so stale).
    private const string Stored = "Cache-Control: max-age=60|ETag: \"e\"|Content-Length: 3";

    [Theory]
    [InlineData("Foreground", 304, "Cache-Control: max-age=0|ETag: \"e\"")]
    [InlineData("Background", 304, "Cache-Control: max-age=0|ETag: \"e\"")]
    [InlineData("Head", 200, "Cache-Control: max-age=0|ETag: \"e\"|Content-Length: 3")]
    [InlineData("Foreground", 200, "Cache-Control: max-age=0|ETag: \"f\"|Content-Length: 3")]
    [InlineData("Background", 200, "Cache-Control: max-age=0|ETag: \"f\"|Content-Length: 3")]
    public void A_rule_lifetime_holds_again_after_every_answer(string path, int status, string lines)
    {
        var withRule = Decide(path, status, lines, rule: s_lifetimeRule);
        var without = Decide(path, status, lines);

        Assert.Equal(AnswerEffect.Store, withRule.Effect);
        Assert.Equal(TimeSpan.FromMinutes(5), withRule.Lifetime);
        Assert.Contains(StoredLines(withRule), l => l.Key == "Cache-Control" && l.Value == "max-age=300");
        Assert.Equal(AnswerEffect.Store, without.Effect); // the origin's max-age=0: stored, with its validator
        Assert.Equal(TimeSpan.Zero, without.Lifetime);
    }

    [Theory]
    [InlineData("Foreground", 304, "Cache-Control: no-store|ETag: \"e\"", null, "NoStoreResponse")]
    [InlineData("Background", 304, "Cache-Control: no-store|ETag: \"e\"", null, "NoStoreResponse")]
    [InlineData("Head", 200, "Cache-Control: no-store|ETag: \"e\"|Content-Length: 3", null, "NoStoreResponse")]
    [InlineData("Foreground", 200, "Cache-Control: no-store|Content-Length: 3", null, "NoStoreResponse")]
    [InlineData("Background", 200, "Cache-Control: no-store|Content-Length: 3", null, "NoStoreResponse")]
    [InlineData("Foreground", 304, "ETag: \"e\"", "no-store rule", "Rule")]
    [InlineData("Background", 304, "ETag: \"e\"", "no-store rule", "Rule")]
    [InlineData("Head", 200, "ETag: \"e\"|Content-Length: 3", "no-store rule", "Rule")]
    [InlineData("Foreground", 200, "Cache-Control: max-age=60|Content-Length: 3", "no-store rule", "Rule")]
    [InlineData("Background", 200, "Cache-Control: max-age=60|Content-Length: 3", "no-store rule", "Rule")]
    [InlineData("Foreground", 304, "Set-Cookie: a=b|ETag: \"e\"", null, "SetCookie")]
    [InlineData("Background", 304, "Set-Cookie: a=b|ETag: \"e\"", null, "SetCookie")]
    [InlineData("Head", 200, "Set-Cookie: a=b|ETag: \"e\"", null, "SetCookie")]
    public void What_may_no_longer_be_stored_is_removed(string path, int status, string lines, string? rule, string refusal)
    {
        var outcome = Decide(path, status, lines, rule: rule is null ? null : s_noStoreRule);

        Assert.Equal(AnswerEffect.Remove, outcome.Effect);
        Assert.Equal(Enum.Parse<StoreRefusal>(refusal), outcome.Refusal);
    }

    // The request's own no-store: only a GET the caller waits on has one; the background and a HEAD store for later GETs.
    [Theory]
    [InlineData("Foreground", 304, "Cache-Control: max-age=60|ETag: \"e\"", "Keep")]
    [InlineData("Background", 304, "Cache-Control: max-age=60|ETag: \"e\"", "Store")]
    [InlineData("Head", 200, "Cache-Control: max-age=60|ETag: \"e\"", "Store")]
    [InlineData("Foreground", 200, "Cache-Control: max-age=60|Content-Length: 3", "Keep")]
    [InlineData("Background", 200, "Cache-Control: max-age=60|Content-Length: 3", "Store")]
    public void The_requests_no_store_leaves_the_stored_entry_as_it_is(string path, int status, string lines, string effect)
    {
        var outcome = Decide(path, status, lines, request: "no-store");

        Assert.Equal(Enum.Parse<AnswerEffect>(effect), outcome.Effect);
        Assert.Equal(path == "Foreground" ? StoreRefusal.NoStoreRequest : StoreRefusal.None, outcome.Refusal);
    }

    [Theory]
    [InlineData("Foreground", 304, "ETag: \"other\"", "Refetch")] // §4.3.4: asked again without conditions
    [InlineData("Background", 304, "ETag: \"other\"", "Keep")] // nobody waits: the stored response stays, stale
    [InlineData("Head", 200, "ETag: \"other\"|Content-Length: 3", "Remove")] // §4.3.5: outdated
    [InlineData("Head", 200, "ETag: \"e\"|Content-Length: 4", "Remove")]
    [InlineData("Head", 200, "ETag: W/\"e\"", "Remove")]
    [InlineData("Head", 404, "ETag: \"e\"", "Keep")] // only a 200 to HEAD speaks for the stored GET response
    public void An_answer_about_another_representation_never_updates_the_stored_one(string path, int status, string lines, string effect)
    {
        var outcome = Decide(path, status, lines);

        Assert.Equal(Enum.Parse<AnswerEffect>(effect), outcome.Effect);
        Assert.Null(outcome.Entry);
    }

    // RFC 5861 §4: an error says nothing about the stored response; in the foreground it may stand in for it.
    [Theory]
    [InlineData("Foreground", 503, "max-age=60, stale-if-error=600", "ServeStale")]
    [InlineData("Background", 503, "max-age=60, stale-if-error=600", "Keep")]
    [InlineData("Foreground", 503, "max-age=60", "Keep")] // not cacheable, and a 5xx removes nothing
    [InlineData("Background", 503, "max-age=60", "Keep")]
    [InlineData("Foreground", 500, "max-age=60, stale-if-error=30", "Keep")] // 60 s past its freshness: the 30 s window is over
    [InlineData("Foreground", null, "max-age=60, stale-if-error=600", "ServeStale")] // no answer at all
    [InlineData("Foreground", null, "max-age=60, must-revalidate, stale-if-error=600", "Keep")]
    [InlineData("Background", null, "max-age=60, stale-if-error=600", "Keep")]
    public void An_error_leaves_the_stored_entry_and_may_stand_in_for_it(string path, int? status, string storedCacheControl, string effect)
    {
        var outcome = Decide(path, status, "Content-Length: 0", stored: $"Cache-Control: {storedCacheControl}|ETag: \"e\"|Content-Length: 3");

        Assert.Equal(Enum.Parse<AnswerEffect>(effect), outcome.Effect);
        if (outcome.Effect == AnswerEffect.ServeStale)
        {
            Assert.Equal(TimeSpan.FromMinutes(2), outcome.Stale.Age);
            Assert.Equal(TimeSpan.FromMinutes(-1), outcome.Stale.TimeToLive);
        }
    }

    [Theory]
    [InlineData("Foreground", "Cache-Control: max-age=60|Content-Length: 3", "Store", false)]
    [InlineData("Background", "Cache-Control: max-age=60|Content-Length: 3", "Store", false)]
    [InlineData("Foreground", "Cache-Control: max-age=60|Content-Length: 2000", "Remove", true)] // over MaxEntryBytes (1024)
    [InlineData("Background", "Cache-Control: max-age=60|Content-Length: 2000", "Remove", true)]
    [InlineData("Foreground", "Content-Length: 3", "Remove", false)] // no freshness, no validator: useless
    public void A_full_response_replaces_the_stored_entry_or_removes_it(string path, string lines, string effect, bool tooLarge)
    {
        var outcome = Decide(path, 200, lines);
        var miss = Decide(path, 200, lines, stored: null);

        Assert.Equal(Enum.Parse<AnswerEffect>(effect), outcome.Effect);
        Assert.Equal(tooLarge, outcome.TooLarge);
        Assert.Equal(outcome.Effect == AnswerEffect.Remove ? AnswerEffect.Keep : outcome.Effect, miss.Effect); // nothing stored to remove
    }

    [Fact]
    public void A_full_response_refused_before_its_lines_were_captured_needs_no_lines()
    {
        var time = new FakeTimeProvider(CacheTest.Start);
        var request = CacheDirectives.Empty;
        var response = Request("no-store");
        var early = OriginAnswers.RefusalBeforeCapture(200, request, response, rule: null);
        var terms = new AnswerTerms(null, request, ForwardReason.UriMiss, s_heuristic, 1024);

        var outcome = OriginAnswers.Decide(AnswerPath.Foreground, new OriginAnswer(200, null, early, time.GetUtcNow(), time.GetUtcNow()), Entry(Stored), terms);

        Assert.Equal(StoreRefusal.NoStoreResponse, early);
        Assert.Equal(AnswerEffect.Remove, outcome.Effect);
        Assert.True(outcome.RemembersPass(200));
        Assert.False(outcome.RemembersPass(503));
        Assert.Equal(StoreRefusal.None, OriginAnswers.RefusalBeforeCapture(200, request, response, new CacheRule { Lifetime = TimeSpan.FromMinutes(1), ApplyToNoStoreResponses = true }));
        Assert.Throws<ArgumentException>(() => OriginAnswers.Decide(AnswerPath.Foreground, new OriginAnswer(200, null, StoreRefusal.None, time.GetUtcNow(), time.GetUtcNow()), null, terms));
    }

    /// <summary>The answer (its lines after a <c>Date</c> of its time) to a request for the entry <paramref name="stored"/> made 2 minutes earlier.</summary>
    private static AnswerOutcome Decide(string path, int? status, string lines, CacheRule? rule = null, string request = "", string? stored = Stored)
    {
        var time = new FakeTimeProvider(CacheTest.Start);
        var entry = stored is null ? null : Entry(stored, time.GetUtcNow());
        time.Advance(TimeSpan.FromMinutes(2));
        var now = time.GetUtcNow();
        var way = Enum.Parse<AnswerPath>(path);

        // As the callers build them: only the foreground carries the request's directives.
        var terms = new AnswerTerms(rule, way == AnswerPath.Foreground ? Request(request) : CacheDirectives.Empty, ForwardReason.Stale, s_heuristic, 1024);
        var answer = status is { } code ? new OriginAnswer(code, Lines($"Date: {Http(now)}|{lines}"), StoreRefusal.None, now, now) : OriginAnswer.Failure(now);
        return OriginAnswers.Decide(way, answer, entry, terms);
    }

    private static HttpCacheEntry Entry(string lines, DateTimeOffset? at = null)
    {
        var time = at ?? CacheTest.Start;
        return new HttpCacheEntry(200, Lines($"Date: {Http(time)}|{lines}"), "abc"u8.ToArray(), time, time, []);
    }

    private static IReadOnlyList<KeyValuePair<string, string>> StoredLines(in AnswerOutcome outcome) =>
        outcome.Entry?.Headers ?? outcome.Lines ?? [];
}
