using System.Globalization;

namespace StatusAwareHttp.Testing;

/// <summary>
/// One scripted answer of a <see cref="TestRoute"/>, given by meaning ("503 with Retry-After 5", "cut after 100 bytes")
/// and counted. A route answers its steps in order, each for its <see cref="Times"/> requests, before its
/// representation: <c>route.Script(TestStep.ServiceUnavailable(TimeSpan.FromSeconds(5)).Times(2))</c> answers 503 twice, then 200.
/// </summary>
public sealed class TestStep
{
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);
    private int _planned = 1;
    private int _served;

    private TestStep(TestStepKind kind, int status)
    {
        Kind = kind;
        Status = status;
    }

    /// <summary>Gets the status this step answers with; 0 for a step that answers with the route's representation.</summary>
    public int Status { get; }

    /// <summary>Gets the number of requests this step answers. Default: 1; <see cref="int.MaxValue"/> after <see cref="Always"/>.</summary>
    public int Planned => Volatile.Read(ref _planned);

    /// <summary>Gets the number of requests this step has answered so far.</summary>
    public int Served => Volatile.Read(ref _served);

    /// <summary>Gets the response fields this step adds.</summary>
    public IReadOnlyDictionary<string, string> Headers => _headers;

    internal TestStepKind Kind { get; }

    internal string? Body { get; private init; }

    internal int CutAfterBytes { get; private init; }

    internal TestHold? Gate { get; private init; }

    /// <summary>Answers with a status and an optional text body.</summary>
    /// <param name="status">The status code, 100 to 599 (not 1xx: use 200 to 599).</param>
    /// <param name="body">A <c>text/plain</c> body. Default: <see langword="null"/>, none.</param>
    /// <returns>The step.</returns>
    public static TestStep Answer(int status, string? body = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 200);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        return new TestStep(TestStepKind.Status, status) { Body = body };
    }

    /// <summary>Answers 503 Service Unavailable, with <c>Retry-After</c> in seconds when given.</summary>
    /// <param name="retryAfter">The <c>Retry-After</c> delay (whole seconds, rounded up). Default: <see langword="null"/>, none sent.</param>
    /// <returns>The step.</returns>
    public static TestStep ServiceUnavailable(TimeSpan? retryAfter = null) => Answer(503).WithRetryAfter(retryAfter);

    /// <summary>Answers 429 Too Many Requests, with <c>Retry-After</c> in seconds when given.</summary>
    /// <param name="retryAfter">The <c>Retry-After</c> delay (whole seconds, rounded up). Default: <see langword="null"/>, none sent.</param>
    /// <returns>The step; add the quota with <see cref="WithRateLimit"/>.</returns>
    public static TestStep TooManyRequests(TimeSpan? retryAfter = null) => Answer(429).WithRetryAfter(retryAfter);

    /// <summary>Answers with the route's representation, as the route would, with this step's fields added (see <see cref="WithRateLimit"/>).</summary>
    /// <returns>The step.</returns>
    public static TestStep Representation() => new(TestStepKind.Representation, 0);

    /// <summary>
    /// Answers with the route's representation whose header and first <paramref name="bytes"/> body bytes are sent (the
    /// <c>Content-Length</c> saying the whole length), then closes the connection.
    /// </summary>
    /// <param name="bytes">The body bytes sent before the cut; 0 cuts right after the header.</param>
    /// <returns>The step.</returns>
    public static TestStep CutAfter(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return new TestStep(TestStepKind.Cut, 0) { CutAfterBytes = bytes };
    }

    /// <summary>Holds the request at the origin until <paramref name="hold"/> is released, then answers with the route's representation.</summary>
    /// <param name="hold">The gate the test releases.</param>
    /// <returns>The step.</returns>
    public static TestStep Hold(TestHold hold)
    {
        ArgumentNullException.ThrowIfNull(hold);
        return new TestStep(TestStepKind.Hold, 0) { Gate = hold };
    }

    /// <summary>Redirects with <c>Location</c>.</summary>
    /// <param name="location">The <c>Location</c> field: a path on the origin or an absolute URI.</param>
    /// <param name="status">301, 302, 303, 307 or 308. Default: 302.</param>
    /// <returns>The step.</returns>
    public static TestStep Redirect(string location, int status = 302)
    {
        ArgumentException.ThrowIfNullOrEmpty(location);
        if (status is not (301 or 302 or 303 or 307 or 308))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A redirect is 301, 302, 303, 307 or 308.");
        }

        return new TestStep(TestStepKind.Status, status).WithHeader("Location", location);
    }

    /// <summary>Makes this step answer <paramref name="count"/> requests.</summary>
    /// <param name="count">The number of requests, at least 1.</param>
    /// <returns>This step.</returns>
    public TestStep Times(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Volatile.Write(ref _planned, count);
        return this;
    }

    /// <summary>Makes this step answer every request from now on (the steps after it are never reached).</summary>
    /// <returns>This step.</returns>
    public TestStep Always() => Times(int.MaxValue);

    /// <summary>Adds a response field.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The field value.</param>
    /// <returns>This step.</returns>
    public TestStep WithHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _headers[name] = value;
        return this;
    }

    /// <summary>Adds <c>Retry-After</c> in whole seconds (rounded up), unless <paramref name="delay"/> is <see langword="null"/>.</summary>
    /// <param name="delay">The delay.</param>
    /// <returns>This step.</returns>
    public TestStep WithRetryAfter(TimeSpan? delay)
    {
        if (delay is { } value)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, nameof(delay));
            WithHeader("Retry-After", Seconds(value));
        }

        return this;
    }

    /// <summary>
    /// Adds the <c>RateLimit</c> and <c>RateLimit-Policy</c> fields (draft-ietf-httpapi-ratelimit-headers):
    /// <c>RateLimit-Policy: "policy";q=quota;w=window</c> and <c>RateLimit: "policy";r=remaining;t=reset</c>.
    /// </summary>
    /// <param name="quota">The policy's quota <c>q</c>.</param>
    /// <param name="remaining">The quota left <c>r</c>.</param>
    /// <param name="reset">The time until the quota resets, <c>t</c> (whole seconds, rounded up).</param>
    /// <param name="window">The policy's window <c>w</c>. Default: <see langword="null"/>, not sent.</param>
    /// <param name="policy">The policy name. Default: <c>default</c>.</param>
    /// <returns>This step.</returns>
    public TestStep WithRateLimit(int quota, int remaining, TimeSpan reset, TimeSpan? window = null, string policy = "default")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quota);
        ArgumentOutOfRangeException.ThrowIfNegative(remaining);
        ArgumentOutOfRangeException.ThrowIfLessThan(reset, TimeSpan.Zero);
        ArgumentException.ThrowIfNullOrEmpty(policy);
        var name = "\"" + policy.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var w = window is { } size ? ";w=" + Seconds(size) : string.Empty;
        WithHeader("RateLimit-Policy", string.Create(CultureInfo.InvariantCulture, $"{name};q={quota}{w}"));
        WithHeader("RateLimit", string.Create(CultureInfo.InvariantCulture, $"{name};r={remaining};t={Seconds(reset)}"));
        return this;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Status} ({Served}/{(Planned == int.MaxValue ? "always" : Planned.ToString(CultureInfo.InvariantCulture))})";

    /// <summary>Takes one of this step's answers; false when it has answered all it was planned for.</summary>
    internal bool TryTake()
    {
        while (true)
        {
            var served = Volatile.Read(ref _served);
            if (served >= Planned)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _served, served + 1, served) == served)
            {
                return true;
            }
        }
    }

    private static string Seconds(TimeSpan value) =>
        ((long)Math.Ceiling(value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}

/// <summary>What a step does.</summary>
internal enum TestStepKind
{
    /// <summary>A status with its fields and an optional text body.</summary>
    Status,

    /// <summary>The route's representation with the step's fields.</summary>
    Representation,

    /// <summary>The representation cut after some body bytes.</summary>
    Cut,

    /// <summary>The representation after a hold.</summary>
    Hold,
}
