namespace StatusAwareHttp;

/// <summary>What <see cref="IHttpCacheCoordinator.AcquireAsync"/> got for a key.</summary>
public enum HttpCacheLeaseOutcome
{
    /// <summary>No coordination could be had (timeout, server gone, wait too long): the request goes to the origin alone.</summary>
    Alone = 0,

    /// <summary>This instance holds the key's lease: it fetches, stores, then releases the lease.</summary>
    Acquired = 1,

    /// <summary>Another instance held the lease and released it (or its lease expired): look the shared store up again.</summary>
    Released = 2,
}
