namespace StatusAwareHttp;

/// <summary>The answer of <see cref="IHttpCacheCoordinator.AcquireAsync"/>: an outcome, and for a held lease its release.</summary>
public sealed class HttpCacheLease
{
    private Action? _release;

    private HttpCacheLease(HttpCacheLeaseOutcome outcome, Action? release)
    {
        Outcome = outcome;
        _release = release;
    }

    /// <summary>Gets the answer for a request that goes on alone (<see cref="HttpCacheLeaseOutcome.Alone"/>).</summary>
    public static HttpCacheLease Alone { get; } = new(HttpCacheLeaseOutcome.Alone, null);

    /// <summary>Gets the answer for a lease another instance released (<see cref="HttpCacheLeaseOutcome.Released"/>).</summary>
    public static HttpCacheLease Released { get; } = new(HttpCacheLeaseOutcome.Released, null);

    /// <summary>Gets what was got for the key.</summary>
    public HttpCacheLeaseOutcome Outcome { get; }

    /// <summary>Makes the answer for a lease this instance holds (<see cref="HttpCacheLeaseOutcome.Acquired"/>).</summary>
    /// <param name="release">
    /// Releases the lease and tells the waiting instances; called at most once, on the request path (after the entry was
    /// stored): it must not block and must not throw (start the release and log its failure).
    /// </param>
    /// <returns>The lease.</returns>
    public static HttpCacheLease Acquired(Action release)
    {
        ArgumentNullException.ThrowIfNull(release);
        return new HttpCacheLease(HttpCacheLeaseOutcome.Acquired, release);
    }

    /// <summary>Releases a held lease (once; later calls and the other outcomes do nothing).</summary>
    public void Release() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
