using System.ComponentModel.DataAnnotations;
using StatusAwareHttp.Internal;

namespace StatusAwareHttp;

// The TimeSpan [Range]s are read by the source-generated validator (Internal/Pipeline/StatusHandlingOptionsValidator.cs),
// which emits its own trimming-safe copy of the check; the attribute's reflection-based constructor never runs.
#pragma warning disable IL2026

/// <summary>
/// Options of the retries of transient failures: 503, 504 and the other <see cref="StatusCodes"/>, and connections
/// that failed or dropped before a response. Only requests that are safe to send again are retried.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>The most retries <see cref="MaxRetries"/> and <see cref="RetryRequestExtensions.SetMaxRetries"/> allow.</summary>
    internal const int MaxRetriesLimit = 10;

    /// <summary>
    /// Gets or sets a value indicating whether transient failures are retried. Default: <see langword="true"/>.
    /// Turn it off when another handler retries (for example <c>AddStandardResilienceHandler()</c>), so that a
    /// failure is not retried twice.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the most retries after the first attempt. Default: 3 (so at most 4 requests). Range: 0 to 10;
    /// 0 retries nothing, but the per-origin gate still holds requests back. One request can have its own limit:
    /// <c>request.SetMaxRetries(0)</c> (<see cref="RetryRequestExtensions.SetMaxRetries"/>).
    /// </summary>
    [Range(0, MaxRetriesLimit)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// Gets or sets the response statuses that are retried. Default: 408, 429, 502, 503, 504. Never 500, 501 or 505 by
    /// default: those say the request itself failed, and sending it again is likely to fail again. Only 4xx and 5xx are
    /// allowed. Add to the set to extend the default, or set it to replace it; a list bound from configuration (through
    /// <c>AddStatusHandling(IConfigurationSection)</c>) replaces the default too: <c>Retries:StatusCodes:0 = 503</c>
    /// retries 503 alone.
    /// </summary>
    public ISet<int> StatusCodes
    {
        get => _statusCodes;
        set => _statusCodes = value ?? throw new ArgumentNullException(nameof(value));
    }

    private ISet<int> _statusCodes = new HashSet<int>(HttpStatusRules.DefaultRetried);

    /// <summary>
    /// Gets or sets the median delay of the first retry when the response has no <c>Retry-After</c>; later retries
    /// back off exponentially, with jitter, up to <see cref="MaxRetryAfter"/>. Default: 1 second. Range: 0 to 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest wait: a <c>Retry-After</c> over it is not waited out (the response goes back at once,
    /// and <see cref="RetryResponseExtensions.GetRetryAfter"/> gives the delay), the backoff never exceeds it, and the
    /// per-origin gate never holds longer. Default: 30 seconds. Range: 0 to 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the time a request may take, attempts and waits together, counted from when it reaches the retry
    /// handler. A wait that would end past it is not started: the response goes back at once rather than a timeout
    /// later. Set it to the client's <see cref="HttpClient.Timeout"/> when you change that. Default: 100 seconds (the
    /// default <see cref="HttpClient.Timeout"/>). Range: 1 second to 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Gets or sets a value indicating whether a POST or PATCH that carries an <c>Idempotency-Key</c> header is retried
    /// (the server then recognises the repeat and does not act twice). Default: <see langword="true"/>. Without the
    /// header, or with this off, POST and PATCH are never retried; GET, HEAD, OPTIONS, TRACE, PUT and DELETE are.
    /// </summary>
    public bool RetryPostWithIdempotencyKey { get; set; } = true;

    /// <summary>
    /// Gets or sets the share of requests that may be retries, as the refill of a token bucket per client: each request
    /// adds this many tokens and each retry takes one. Default: 0.2 (20%). Range: 0 to 1. During an outage this caps
    /// the extra traffic at the share, whatever <see cref="MaxRetries"/> is.
    /// </summary>
    [Range(0.0, 1.0)]
    public double BudgetRatio { get; set; } = 0.2;

    /// <summary>
    /// Gets or sets the size of the retry budget's token bucket, which starts full: the retries that may be made at
    /// once before the <see cref="BudgetRatio"/> governs, so isolated failures are always retried. Default: 10.
    /// Range: 1 to 100000.
    /// </summary>
    [Range(1, 100_000)]
    public int BudgetSize { get; set; } = 10;

    /// <summary>
    /// Gets or sets a value indicating whether an origin that answered 503 or 429 with <c>Retry-After</c> is given
    /// that time by the whole client: its other requests to that origin (scheme, host, port) wait for it too, or fail
    /// fast with <see cref="RetryGateClosedException"/> when they cannot wait that long, instead of stampeding it. The
    /// gate holds at most <see cref="MaxRetryAfter"/> and opens on the origin's next successful answer.
    /// Default: <see langword="true"/>.
    /// </summary>
    public bool UseOriginGate { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the client paces itself by the quotas its origins announce in the
    /// <c>RateLimit</c> and <c>RateLimit-Policy</c> response fields (draft-ietf-httpapi-ratelimit-headers-11): once an
    /// origin's latest fresh answer says a quota is exhausted (<c>r=0</c>) with <c>t</c> seconds to go, its requests
    /// (of the same partition, where <c>pk</c> says so) wait at the origin gate until then, or fail fast with
    /// <see cref="RetryGateClosedException"/> when that is longer than <see cref="MaxRetryAfter"/> or the time left;
    /// with units left, the requests in flight count against them, so concurrent callers never overrun the quota.
    /// Fields of a response that came through a cache (<c>Age</c> positive) and malformed fields are ignored;
    /// <c>Retry-After</c> wins over <c>t</c>. Default: <see langword="true"/>.
    /// </summary>
    public bool UseRateLimitFields { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether an announced quota is spread over its window instead of spent at once:
    /// with <c>r</c> units free (less those in flight) and <c>t</c> seconds to go, one request is sent every
    /// <c>t ÷ r</c> seconds. Needs <see cref="UseRateLimitFields"/>. Default: <see langword="false"/> (spend, then wait).
    /// </summary>
    public bool SpreadRateLimitQuota { get; set; }

    /// <summary>
    /// Gets or sets whether the older <c>X-RateLimit-Limit</c>, <c>-Remaining</c> and <c>-Reset</c> fields are read
    /// (when a response has no <c>RateLimit</c> field), and how <c>-Reset</c> is read: seconds to go, or Unix time.
    /// APIs disagree, so nothing is guessed. Needs <see cref="UseRateLimitFields"/>. Default:
    /// <see cref="XRateLimitReset.Ignored"/>.
    /// </summary>
    public XRateLimitReset XRateLimitFields { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a POST or PATCH without an <c>Idempotency-Key</c> field gets one
    /// (draft-ietf-httpapi-idempotency-key-header-07): a random UUID, the same on every retry and on a 307/308 hop of
    /// that call, never on another call; a caller's own key is never replaced. The request may then be retried (with
    /// <see cref="RetryPostWithIdempotencyKey"/>); a 409 to a keyed POST or PATCH (the original still in progress) is
    /// retried with backoff within the budget; a 422 (key reused with other content) or 400 (key required) becomes
    /// <see cref="HttpStatusException"/> with the RFC 9457 problem. Logs show the key's first characters only.
    /// Default: <see langword="false"/>.
    /// </summary>
    public bool GenerateIdempotencyKeys { get; set; }

    /// <summary>
    /// Gets or sets a predicate that can veto a retry (Polly's <c>ShouldHandle</c>, narrowed to a veto): asked for each
    /// retry the rules would make (a transient outcome of a request that may be sent again, within
    /// <see cref="MaxRetries"/>, the <c>Retry-After</c> cap and the time left), before the retry budget is charged;
    /// returning <see langword="false"/> hands the response back (or rethrows the connection failure) at once. It
    /// cannot add retries the rules refuse. Called on the thread that sends, on the synchronous <c>Send</c> path too;
    /// keep it quick and do not block. An exception it throws goes to the caller (the response is disposed).
    /// Set in code: a delegate is not bound from configuration. Default: <see langword="null"/> (no veto).
    /// </summary>
    public Func<RetryContext, bool>? ShouldRetry { get; set; }

    /// <summary>
    /// Gets or sets a callback told of each retry before its wait (Polly's <c>OnRetry</c>), with the attempt, the
    /// delay, the reason and the response (or exception) being retried; the response is disposed when it returns.
    /// Called after the log line (event 300) and the <c>statusawarehttp.retry.retried</c> count, on the synchronous
    /// <c>Send</c> path too; keep it quick and do not block. An exception it throws goes to the caller and the retry
    /// is not made. Set in code: a delegate is not bound from configuration. Default: <see langword="null"/>.
    /// </summary>
    public Action<RetryContext>? OnRetry { get; set; }
}
