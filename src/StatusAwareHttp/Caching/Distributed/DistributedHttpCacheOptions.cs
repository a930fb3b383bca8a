using System.ComponentModel.DataAnnotations;

namespace StatusAwareHttp;

/// <summary>
/// Options of one client's shared HTTP cache on <c>IDistributedCache</c> (<c>UseDistributedHttpCache</c>), named after
/// the client and validated at start-up.
/// </summary>
/// <remarks>
/// Entries live in the <c>IDistributedCache</c> registered in DI (Redis, SQL Server, ...) and, for a short time, in a
/// small in-memory front on each instance. An invalidation (a POST, PUT, PATCH or DELETE through one instance) removes
/// the entry from the distributed cache at once; another instance's front may still serve its copy for at most
/// <see cref="MemoryFrontLifetime"/>.
/// </remarks>
public sealed class DistributedHttpCacheOptions
{
    /// <summary>
    /// Gets or sets how long one call to the distributed cache may take before it is given up: the request then goes
    /// on without it (a miss, or a write not made), and the failure counts towards opening the circuit (see
    /// <see cref="BreakDuration"/>). The first call has its own budget, <see cref="ConnectTimeout"/>.
    /// Default: 250 ms. Range: 1 ms to 30 s.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets the budget of the first call to the distributed cache, which includes the client's connection
    /// set-up (far longer than <see cref="OperationTimeout"/> in a process just started, or on a loaded machine). The
    /// store makes that call as soon as it is made (its first resolution, the client's first request at the latest);
    /// calls that come before it ended wait for it, and it does not count against the circuit. So a new instance uses
    /// the shared entries from its first request. <see cref="TimeSpan.Zero"/> skips it: the first call then gets
    /// <see cref="OperationTimeout"/> like any other. Default: 5 seconds. Range: 0 to 5 minutes.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long the distributed cache is bypassed once its circuit opened: when, within 10 seconds, at
    /// least two calls were made and at least half of them failed or timed out (a Polly circuit breaker). After it,
    /// one call tries again and, if it succeeds, the cache is used again; if it fails, another break starts.
    /// Default: 5 seconds. Range: 10 ms to 1 hour.
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets the longest time an instance's in-memory front keeps an entry (never longer than the entry can be
    /// used). It bounds how long another instance's invalidation can go unseen here, and how many lookups reach the
    /// distributed cache: at most one per key and instance per lifetime while the key is in use.
    /// <see cref="TimeSpan.Zero"/> turns the front off: every lookup reads the distributed cache.
    /// Default: 1 second. Range: 0 to 1 hour.
    /// </summary>
    public TimeSpan MemoryFrontLifetime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the most bytes the in-memory front of one instance holds for this client (bodies plus header
    /// text plus a small per-entry overhead); least recently used entries are evicted beyond it.
    /// Default: 16 MiB (16777216). Range: 1 KiB to 2^62.
    /// </summary>
    [Range(1024.0, 4611686018427387904.0)]
    public long MemoryFrontMaxBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the longest lifetime of an entry in the distributed cache. An entry that can be revalidated (it has
    /// an <c>ETag</c> or <c>Last-Modified</c>) stays useful indefinitely, so without a bound it would stay in the
    /// distributed cache forever; each revalidation stores it again and starts this time anew. Entries that can no
    /// longer be served (past their freshness and stale windows, without a validator) get the shorter lifetime the
    /// cache gives them. Default: 1 day. Range: 1 second to 365 days.
    /// </summary>
    public TimeSpan MaxTimeToLive { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Gets or sets the start of every key this library writes to the distributed cache; the client name, a colon and
    /// a hash of the HTTP cache key follow it. Change it to keep apps that share one Redis apart.
    /// Default: <c>"StatusAwareHttp:"</c>. 1 to 200 characters.
    /// </summary>
    [Required]
    public string KeyPrefix { get; set; } = "StatusAwareHttp:";
}
