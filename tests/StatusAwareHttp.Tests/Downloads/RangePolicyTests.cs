using System.Net;
using System.Net.Http.Headers;
using StatusAwareHttp.Downloads.Internal;

namespace StatusAwareHttp.Tests.Downloads;

/// <summary>The pure range/resume rules, one row per RFC rule.</summary>
public sealed class RangePolicyTests
{
    private static readonly DateTimeOffset Modified = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly ResumeValidator StrongTag = new(new EntityTagHeaderValue("\"v1\""), null);
    private static readonly ResumeValidator Date = new(null, Modified);

    public static TheoryData<string, string?, int?, int?, bool, bool, string?> Validators => new()
    {
        // name, etag, last-modified offset (s from Modified), Date offset (s), content coding, Accept-Ranges: none, expected
        { "§13.1.5 strong etag is used", "\"v1\"", null, null, false, false, "\"v1\"" },
        { "§13.1.5 strong etag wins over a date", "\"v1\"", 0, 3600, false, false, "\"v1\"" },
        { "§13.1.5 weak etag is never sent", "W/\"v1\"", null, null, false, false, null },
        { "§13.1.5 no date when there is an etag, even a weak one", "W/\"v1\"", 0, 3600, false, false, null },
        { "§8.8.2.2 date one second after Last-Modified makes it strong", null, 0, 1, false, false, "date" },
        { "§8.8.2.2 date equal to Last-Modified is weak", null, 0, 0, false, false, null },
        { "§8.8.2.2 no Date header: weak", null, 0, null, false, false, null },
        { "§13.1.5 no validator: no resume", null, null, 3600, false, false, null },
        { "§8.4 content coding: no resume", "\"v1\"", null, null, true, false, null },
        { "§14.3 Accept-Ranges none: no resume", "\"v1\"", null, null, false, true, null },
    };

    [Theory]
    [MemberData(nameof(Validators))]
    public void ChooseValidator_follows_13_1_5(string rule, string? eTag, int? lastModified, int? date, bool coded, bool rangesNone, string? expected)
    {
        var chosen = RangePolicy.ChooseValidator(
            eTag is null ? null : EntityTagHeaderValue.Parse(eTag),
            lastModified is null ? null : Modified.AddSeconds(lastModified.Value),
            date is null ? null : Modified.AddSeconds(date.Value),
            coded,
            rangesNone);

        var actual = chosen is null ? null : chosen.ETag is not null ? chosen.ETag.Tag : "date";
        Assert.True(expected == actual, $"{rule}: expected {expected ?? "none"}, got {actual ?? "none"}");
    }

    private static readonly Dictionary<string, Row> s_decisions = new()
    {
        { "§13.1.5 first request, 200 with strong etag: write from zero, resumable", Row.Fresh(200) with { Expect = RangeAction.Replace, ExpectTotal = 1000, ExpectResumable = true } },
        { "§14.2 first request, 200 without validator: write from zero, not resumable", Row.Fresh(200) with { ETag = null, Expect = RangeAction.Replace, ExpectTotal = 1000 } },
        { "§15.3.1 first request, 200 without Content-Length: total unknown", Row.Fresh(200) with { ContentLength = null, Expect = RangeAction.Replace, ExpectResumable = true } },
        { "§15.3.7 206 from where asked with matching total: append", Row.Resume(206, "bytes 400-999/1000", 600) with { Expect = RangeAction.Append, ExpectOffset = 400, ExpectTotal = 1000, ExpectResumable = true } },
        { "§15.3.7 206 carrying less than asked: append (the rest is asked next)", Row.Resume(206, "bytes 400-499/1000", 100) with { Expect = RangeAction.Append, ExpectOffset = 400, ExpectTotal = 1000, ExpectResumable = true } },
        { "§14.4 206 with unknown complete length: the known total stands", Row.Resume(206, "bytes 400-999/*", 600) with { Expect = RangeAction.Append, ExpectOffset = 400, ExpectTotal = 1000, ExpectResumable = true } },
        { "§15.3.7 206 without ETag: keeps the validator sent", Row.Resume(206, "bytes 400-999/1000", 600) with { ETag = null, Expect = RangeAction.Append, ExpectOffset = 400, ExpectTotal = 1000, ExpectResumable = true } },
        { "§14.4 206 starting elsewhere: restart", Row.Resume(206, "bytes 0-999/1000", 1000) with { Expect = RangeAction.RestartWithoutRange, ExpectRestart = RestartReason.BadContentRange } },
        { "§14.4 206 without Content-Range: restart", Row.Resume(206, null, 600) with { Expect = RangeAction.RestartWithoutRange, ExpectRestart = RestartReason.BadContentRange } },
        { "§14.4 206 in another unit: restart", Row.Resume(206, "items 400-999/1000", 600) with { Expect = RangeAction.RestartWithoutRange, ExpectRestart = RestartReason.BadContentRange } },
        { "§14.4 206 with another complete length: restart", Row.Resume(206, "bytes 400-1199/1200", 800) with { Expect = RangeAction.RestartWithoutRange, ExpectRestart = RestartReason.LengthChanged } },
        { "§14.4 206 ending past the known total: restart", Row.Resume(206, "bytes 400-1099/*", 700) with { Expect = RangeAction.RestartWithoutRange, ExpectRestart = RestartReason.BadContentRange } },
        { "§8.6 206 whose Content-Length disagrees with the range: restart", Row.Resume(206, "bytes 400-999/1000", 500) with { Expect = RangeAction.RestartWithoutRange, ExpectRestart = RestartReason.BadContentRange } },
        { "§13.1.5 206 naming another etag: never appended", Row.Resume(206, "bytes 400-999/1000", 600) with { ETag = "\"v2\"", Expect = RangeAction.RestartWithoutRange, ExpectRestart = RestartReason.ValidatorMismatch } },
        { "§8.8.3.2 206 with the weak twin of our etag: never appended", Row.Resume(206, "bytes 400-999/1000", 600) with { ETag = "W/\"v1\"", Expect = RangeAction.RestartWithoutRange, ExpectRestart = RestartReason.ValidatorMismatch } },
        { "§13.1.5 206 with another Last-Modified than our date: never appended", Row.Resume(206, "bytes 400-999/1000", 600) with { IfRange = Date, ETag = null, LastModified = 60, Expect = RangeAction.RestartWithoutRange, ExpectRestart = RestartReason.ValidatorMismatch } },
        { "§14.6 multipart/byteranges: refused", Row.Resume(206, null, 600) with { MediaType = "multipart/byteranges", Expect = RangeAction.Fail, ExpectFailure = DownloadFailureReason.MultipartByteRanges } },
        { "§13.1.5 200 to If-Range with another etag: the file changed, restart from zero", Row.Resume(200, null, 1200) with { ETag = "\"v2\"", Expect = RangeAction.Replace, ExpectRestart = RestartReason.Changed, ExpectTotal = 1200, ExpectResumable = true } },
        { "§14.2 200 to If-Range with the same etag: range ignored, restart from zero", Row.Resume(200, null, 1000) with { Expect = RangeAction.Replace, ExpectRestart = RestartReason.RangeIgnored, ExpectTotal = 1000, ExpectResumable = true } },
        { "§15.5.17 416 with complete length equal to what we hold: complete", Row.Resume(416, "bytes */400", null) with { ExpectedTotal = 400, Expect = RangeAction.Complete, ExpectOffset = 400, ExpectTotal = 400, ExpectResumable = true } },
        { "§15.5.17 416 with complete length, total unknown: complete", Row.Resume(416, "bytes */400", null) with { ExpectedTotal = null, Expect = RangeAction.Complete, ExpectOffset = 400, ExpectTotal = 400, ExpectResumable = true } },
        { "§15.5.17 416 with a shorter complete length: restart", Row.Resume(416, "bytes */300", null) with { Expect = RangeAction.RestartWithoutRange, ExpectRestart = RestartReason.RangeNotSatisfiable } },
        { "§15.5.17 416 without Content-Range: restart", Row.Resume(416, null, null) with { Expect = RangeAction.RestartWithoutRange, ExpectRestart = RestartReason.RangeNotSatisfiable } },
        { "§13.1.5 416 naming another etag: restart", Row.Resume(416, "bytes */400", null) with { ExpectedTotal = 400, ETag = "\"v2\"", Expect = RangeAction.RestartWithoutRange, ExpectRestart = RestartReason.Changed } },
        { "§15.5.17 416 to a request without Range: fail", Row.Fresh(416) with { Expect = RangeAction.Fail, ExpectFailure = DownloadFailureReason.UnexpectedStatus } },
        { "§15 404: fail, partial kept", Row.Resume(404, null, null) with { Expect = RangeAction.Fail, ExpectFailure = DownloadFailureReason.UnexpectedStatus } },
        { "§15.4.5 304 (never asked): fail", Row.Resume(304, null, null) with { Expect = RangeAction.Fail, ExpectFailure = DownloadFailureReason.UnexpectedStatus } },
    };

    public static TheoryData<string> Decisions => [.. s_decisions.Keys];

    [Theory]
    [MemberData(nameof(Decisions))]
    public void Decide_follows_RFC_9110_14(string rule)
    {
        var row = s_decisions[rule];
        var request = new RangeRequest(row.Offset, row.Offset > 0 ? row.IfRange : null, row.Offset > 0 ? row.ExpectedTotal : null);
        var response = new RangeResponse(
            (HttpStatusCode)row.Status,
            row.ContentRange is null ? null : ContentRangeHeaderValue.Parse(row.ContentRange),
            row.MediaType,
            row.ContentLength,
            row.ETag is null ? null : EntityTagHeaderValue.Parse(row.ETag),
            row.LastModified is null ? null : Modified.AddSeconds(row.LastModified.Value),
            Modified.AddDays(1),
            AcceptRangesNone: false,
            ContentEncoded: false);

        var decision = RangePolicy.Decide(request, response);

        Assert.True(row.Expect == decision.Action, $"{rule}: action {decision.Action}");
        Assert.Equal(row.ExpectRestart, decision.Restart);
        if (row.Expect == RangeAction.Fail)
        {
            Assert.Equal(row.ExpectFailure, decision.Failure);
            return;
        }

        if (row.Expect != RangeAction.RestartWithoutRange)
        {
            Assert.Equal(row.ExpectOffset, decision.Offset);
            Assert.Equal(row.ExpectTotal, decision.Total);
            Assert.Equal(row.ExpectResumable, decision.Validator is not null);
        }
    }

    internal sealed record Row(int Status, long Offset, string? ContentRange, long? ContentLength)
    {
        public ResumeValidator IfRange { get; init; } = StrongTag;

        public long? ExpectedTotal { get; init; } = 1000;

        public string? ETag { get; init; } = "\"v1\"";

        public int? LastModified { get; init; }

        public string? MediaType { get; init; } = "application/octet-stream";

        public RangeAction Expect { get; init; }

        public RestartReason ExpectRestart { get; init; }

        public DownloadFailureReason ExpectFailure { get; init; }

        public long ExpectOffset { get; init; }

        public long? ExpectTotal { get; init; }

        public bool ExpectResumable { get; init; }

        public static Row Fresh(int status) => new(status, 0, null, 1000);

        public static Row Resume(int status, string? contentRange, long? contentLength) => new(status, 400, contentRange, contentLength);

        public override string ToString() => $"{Status} {ContentRange}";
    }
}
