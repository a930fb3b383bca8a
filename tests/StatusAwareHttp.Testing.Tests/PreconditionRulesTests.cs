using StatusAwareHttp.Testing.Internal;

namespace StatusAwareHttp.Testing.Tests;

/// <summary>The preconditions of RFC 9110 §13.1 evaluated in the order of §13.2.2, as a table.</summary>
public sealed class PreconditionRulesTests
{
    private const string Tag = "\"abc\"";
    private const string Modified = "Sun, 01 Mar 2026 12:00:00 GMT";
    private const string Before = "Sun, 01 Mar 2026 11:59:59 GMT";
    private const string After = "Sun, 01 Mar 2026 12:00:01 GMT";
    private static readonly DateTimeOffset LastModified = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    // No conditional field: the method is performed.
    [InlineData("GET", null, null, null, null, "Proceed")]
    // §13.1.2 If-None-Match: weak comparison; a match answers GET/HEAD with 304, other methods with 412.
    [InlineData("GET", null, "\"abc\"", null, null, "NotModified")]
    [InlineData("HEAD", null, "\"abc\"", null, null, "NotModified")]
    [InlineData("GET", null, "W/\"abc\"", null, null, "NotModified")]
    [InlineData("GET", null, "\"x\", \"abc\"", null, null, "NotModified")]
    [InlineData("GET", null, "\"x\"", null, null, "Proceed")]
    [InlineData("GET", null, "*", null, null, "NotModified")]
    [InlineData("PUT", null, "*", null, null, "Failed")]
    [InlineData("DELETE", null, "\"abc\"", null, null, "Failed")]
    // §13.1.3 If-Modified-Since: not modified since the date -> 304; modified after -> 200; invalid date ignored.
    [InlineData("GET", null, null, Modified, null, "NotModified")]
    [InlineData("GET", null, null, After, null, "NotModified")]
    [InlineData("GET", null, null, Before, null, "Proceed")]
    [InlineData("GET", null, null, "not a date", null, "Proceed")]
    [InlineData("GET", null, null, "Sunday, 01-Mar-26 12:00:00 GMT", null, "NotModified")]
    [InlineData("GET", null, null, "Sun Mar  1 12:00:00 2026", null, "NotModified")]
    // ...only for GET and HEAD.
    [InlineData("POST", null, null, Modified, null, "Proceed")]
    // §13.2.2 step 3: If-None-Match present -> If-Modified-Since is ignored (a non-matching tag wins over a matching date).
    [InlineData("GET", null, "\"x\"", Modified, null, "Proceed")]
    [InlineData("GET", null, "\"abc\"", Before, null, "NotModified")]
    // §13.1.1 If-Match: strong comparison; a weak tag never matches; * matches a current representation.
    [InlineData("PUT", "\"abc\"", null, null, null, "Proceed")]
    [InlineData("PUT", "W/\"abc\"", null, null, null, "Failed")]
    [InlineData("PUT", "\"x\"", null, null, null, "Failed")]
    [InlineData("PUT", "*", null, null, null, "Proceed")]
    [InlineData("GET", "\"x\"", null, null, null, "Failed")]
    // §13.1.4 If-Unmodified-Since: modified after the date -> 412; ignored when If-Match is present.
    [InlineData("PUT", null, null, null, Before, "Failed")]
    [InlineData("PUT", null, null, null, Modified, "Proceed")]
    [InlineData("PUT", "\"abc\"", null, null, Before, "Proceed")]
    [InlineData("PUT", null, null, null, "garbage", "Proceed")]
    // Step order: If-Match fails before If-None-Match is looked at.
    [InlineData("GET", "\"x\"", "\"abc\"", null, null, "Failed")]
    [InlineData("GET", "\"abc\"", "\"abc\"", null, null, "NotModified")]
    public void Preconditions_follow_rfc_9110(string method, string? ifMatch, string? ifNoneMatch, string? ifModifiedSince, string? ifUnmodifiedSince, string expected)
    {
        var fields = new ConditionalFields(ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince);

        Assert.Equal(Enum.Parse<PreconditionOutcome>(expected), Preconditions.Evaluate(method, fields, Tag, LastModified, exists: true));
    }

    [Theory]
    [InlineData("*", null, "Failed")]
    [InlineData(null, "*", "Proceed")]
    [InlineData(null, "\"abc\"", "Proceed")]
    public void Without_a_current_representation_star_matches_nothing(string? ifMatch, string? ifNoneMatch, string expected) =>
        Assert.Equal(Enum.Parse<PreconditionOutcome>(expected), Preconditions.Evaluate("PUT", new ConditionalFields(ifMatch, ifNoneMatch), null, null, exists: false));

    [Fact]
    public void Without_a_last_modified_date_the_date_conditions_are_ignored()
    {
        Assert.Equal(PreconditionOutcome.Proceed, Preconditions.Evaluate("GET", new ConditionalFields(IfModifiedSince: After), Tag, null, exists: true));
        Assert.Equal(PreconditionOutcome.Proceed, Preconditions.Evaluate("PUT", new ConditionalFields(IfUnmodifiedSince: Before), Tag, null, exists: true));
    }

    [Theory]
    // §13.1.5: an entity tag by strong comparison; a weak tag on either side never holds.
    [InlineData("\"abc\"", "\"abc\"", 10, true)]
    [InlineData("\"x\"", "\"abc\"", 10, false)]
    [InlineData("W/\"abc\"", "\"abc\"", 10, false)]
    [InlineData("\"abc\"", "W/\"abc\"", 10, false)]
    // A date matches Last-Modified exactly, and only when Last-Modified is strong (a second or more before Date).
    [InlineData(Modified, "\"abc\"", 10, true)]
    [InlineData(After, "\"abc\"", 10, false)]
    [InlineData(Before, "\"abc\"", 10, false)]
    [InlineData(Modified, "\"abc\"", 0, false)]
    [InlineData("not a date", "\"abc\"", 10, false)]
    public void If_range_holds_per_rfc_9110(string ifRange, string etag, int dateSecondsAfterModified, bool expected) =>
        Assert.Equal(expected, Preconditions.IfRangeHolds(ifRange, etag, LastModified, LastModified.AddSeconds(dateSecondsAfterModified)));
}
