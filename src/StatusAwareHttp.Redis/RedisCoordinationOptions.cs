namespace StatusAwareHttp.Redis;

/// <summary>
/// Options of one client's farm coordination on Redis (<c>UseRedisCoordination</c>), named after the client. Validated
/// when the application starts.
/// </summary>
public sealed class RedisCoordinationOptions
{
    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string (for example <c>"redis:6379"</c>) of the server that
    /// holds the leases and carries the gates. Default: <see langword="null"/>, to use the <c>IConnectionMultiplexer</c>
    /// registered in the services (one must then be registered).
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// Gets or sets the prefix of every Redis key and channel, before the client name. Default: <c>"statusawarehttp:"</c>.
    /// Not empty; at most 100 characters.
    /// </summary>
    public string KeyPrefix { get; set; } = "statusawarehttp:";

    /// <summary>
    /// Gets or sets whether the misses of storable GETs are coalesced across instances (one lease per key). Default:
    /// <see langword="true"/>.
    /// </summary>
    public bool CoalesceMisses { get; set; } = true;

    /// <summary>
    /// Gets or sets whether the origin gates (429 or 503 with <c>Retry-After</c>) are shared across instances. Default:
    /// <see langword="true"/>.
    /// </summary>
    public bool ShareOriginGates { get; set; } = true;

    /// <summary>
    /// Gets or sets how long a lease lives unless its holder releases it first: the longest the other instances wait for
    /// a holder that died. Default: 10 seconds. Range: 100 milliseconds to 5 minutes.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the longest one wait for another instance's lease lasts; past it, the request goes to the origin
    /// alone. Default: 15 seconds. Range: 100 milliseconds to 5 minutes.
    /// </summary>
    public TimeSpan WaitTime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how often a waiting instance checks that the lease still exists, beside the release notification it
    /// gets by pub/sub (which a lost connection may drop). Default: 250 milliseconds. Range: 10 milliseconds to 10 seconds.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets how long one Redis call may take before the instance decides alone. Default: 500 milliseconds.
    /// Range: 10 milliseconds to 30 seconds.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Gets or sets how long Redis is left alone once half of the calls in 10 seconds failed (at least two): meanwhile each
    /// instance decides alone, at no cost. Default: 15 seconds. Range: 1 second to 10 minutes.
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets whether the application fails to start when Redis does not answer then (a <c>PING</c> over a
    /// connection made for the check, within the configuration string's connect timeout, 5 seconds unless it says
    /// otherwise; with the registered <c>IConnectionMultiplexer</c>, whether it is connected). Default:
    /// <see langword="false"/>: the app starts, and each instance decides alone until Redis answers.
    /// </summary>
    public bool RequireConnectionAtStartUp { get; set; }
}
