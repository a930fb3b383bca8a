namespace StatusAwareHttp.Sqlite;

/// <summary>
/// Options of one client's persistent HTTP cache in a SQLite file (<c>UseSqliteHttpCache</c>), named after the client
/// and validated at start-up.
/// </summary>
/// <remarks>
/// Entries live in one SQLite file (WAL mode) that survives restarts and can be shared by several processes of the
/// same user, and, for a short time, in a small in-memory front in each process. Writes and removals are queued and
/// made by a background writer (see <see cref="MaxPendingWriteBytes"/>): this process sees them at once, other
/// processes once written, normally within a few milliseconds of the response's end. An invalidation (a POST, PUT,
/// PATCH or DELETE through one process) reaches the file as soon as the writer makes it; another process's front may
/// still serve its copy for at most <see cref="MemoryFrontLifetime"/>. Writes and removals carry the time of the
/// exchange they come from and the newer wins, whichever process writes last: a response asked for before an
/// invalidation never undoes it. What is queued is written when the store is disposed and, if it never is, when the
/// process exits, within <see cref="FlushTimeout"/>; <c>IHttpCache.FlushAsync</c> waits for it at any time.
/// </remarks>
public sealed class SqliteHttpCacheOptions
{
    /// <summary>The default of <see cref="MaxTotalBytes"/>: 256 MiB.</summary>
    public const long DefaultMaxTotalBytes = 256L * 1024 * 1024;

    /// <summary>The default of <see cref="MaxEntryBytes"/>: 32 MiB.</summary>
    public const long DefaultMaxEntryBytes = 32L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the path of the SQLite file. <see langword="null"/> (the default) uses <c>http-cache.db</c> in a
    /// folder named after the entry assembly under the user's local application data folder
    /// (<see cref="Environment.SpecialFolder.LocalApplicationData"/>, such as <c>~/.local/share/MyApp/</c> on Linux or
    /// <c>%LOCALAPPDATA%\MyApp\</c> on Windows); the path in use is logged when the store opens. Missing folders are
    /// made; the file is made readable and writable by the current user only (0600 on Unix).
    /// </summary>
    public string? Path { get; set; }

    /// <summary>
    /// Gets or sets the most bytes the file holds (bodies, header text, key text and a small per-entry overhead). The
    /// writer keeps the entries within it at every commit: in the transaction that would pass it, it first evicts,
    /// until 90% of it less what the transaction brings is left, those that can no longer be used (expired, without a
    /// validator or a stale window), then the least recently used. The files on disk (database, WAL and shared memory
    /// together) stay within twice it plus 4 MiB (plus the excess of an entry larger than an eighth of it), and within
    /// it plus 1 MiB and a sixteenth once the store is disposed. Default: 256 MiB (268435456). Range: 1 MiB to 2^62.
    /// </summary>
    public long MaxTotalBytes { get; set; } = DefaultMaxTotalBytes;

    /// <summary>
    /// Gets or sets the most bytes one key (all its variants, bodies plus header text) may take in the file; a larger
    /// one is not written (what was stored under the key is removed). The cache's own
    /// <see cref="CacheOptions.MaxEntryBytes"/> (4 MiB by default) already keeps larger bodies out; raise both to keep
    /// large downloads. Default: 32 MiB (33554432). Range: 1 KiB to 2147483591; a value above <see cref="MaxTotalBytes"/>
    /// counts as <see cref="MaxTotalBytes"/> (so a small file needs no second setting).
    /// </summary>
    public long MaxEntryBytes { get; set; } = DefaultMaxEntryBytes;

    /// <summary>
    /// Gets or sets the longest time this process's in-memory front keeps an entry read from or written to the file
    /// (never longer than the entry can be used). It bounds how long another process's invalidation can go unseen
    /// here. <see cref="TimeSpan.Zero"/> turns the front off: every lookup reads the file.
    /// Default: 1 second. Range: 0 to 1 hour.
    /// </summary>
    public TimeSpan MemoryFrontLifetime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the most bytes the in-memory front holds for this client; least recently used entries are
    /// evicted beyond it. Default: 4 MiB (4194304). Range: 1 KiB to 2^62.
    /// </summary>
    public long MemoryFrontMaxBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// Gets or sets how long one call waits for another process that holds the file's write lock: SQLite waits 50 ms
    /// at a time, and a Polly retry tries again (10 ms to 100 ms apart, with jitter) until this time is up, or the
    /// store is closing and its <see cref="FlushTimeout"/> is up. A call that still cannot get the lock is a miss, or a
    /// write not made: never an error for the caller. At 50 ms or less, one try. Default: 5 seconds. Range: 0 to 1 minute.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long the file is bypassed after it failed for a reason other than a busy lock (a read-only
    /// or full disk, a file that cannot be opened) and failed again on an immediate retry: the break of the file's
    /// Polly circuit breaker. Requests go to the origin meanwhile, then one call tries the file again.
    /// Default: 1 minute. Range: 1 second to 1 day.
    /// </summary>
    public TimeSpan BypassDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets the most bytes of writes and removals waiting for the file (bodies plus header text). A response
    /// is stored off the request path: it is queued, reads of this process see it at once, and one background writer,
    /// started at once, makes what is queued in transactions of at most an eighth of <see cref="MaxTotalBytes"/>
    /// (256 KiB to 8 MiB), usually within milliseconds, after which other processes see it.
    /// When a new key does not fit, the caller waits until the writer has made room (the store is then as slow as a
    /// direct write); nothing queued is dropped, and a newer write or removal of a key replaces the queued one.
    /// An entry larger than this is still queued when the queue is empty. Default: 16 MiB (16777216).
    /// Range: 64 KiB to 2^62.
    /// </summary>
    public long MaxPendingWriteBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the most writes and removals (keys) waiting for the file; past it, as past
    /// <see cref="MaxPendingWriteBytes"/>, the caller waits for room. Default: 1024. Range: 1 to 1048576.
    /// </summary>
    public int MaxPendingWrites { get; set; } = 1024;

    /// <summary>
    /// Gets or sets how long disposing the store (the app's service provider, at host shutdown), or the process's exit
    /// when it was never disposed, waits for what is queued to be written; the access times are then written, free
    /// pages given back and the WAL emptied in what is left of it. What is still queued after it is lost, with a
    /// warning: the file keeps what it had. Disposal ends within this time plus 500 ms, whatever another process
    /// holds; disposing again, or synchronously, is safe. Default: 5 seconds. Range: 0 to 5 minutes.
    /// </summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets whether the application fails to start when the cache file cannot be opened then (made when
    /// missing, checked, closed again; a damaged or foreign file is still moved aside and made anew). Default:
    /// <see langword="false"/>: the app starts, and the file is bypassed with a warning until it can be used.
    /// </summary>
    public bool RequireFileAtStartUp { get; set; }

    /// <summary>Runs on each connection the store opens, after its own settings (tests use it to limit the file's pages).</summary>
    internal Action<Microsoft.Data.Sqlite.SqliteConnection>? ConfigureConnection { get; set; }
}
