namespace StatusAwareHttp.Caching.Internal;

/// <summary>
/// A request on its way to the origin that identical requests (same cache key) may join (RFC 9111 §4: collapsed
/// requests). The first request publishes the response once its headers arrive, or declines (not shareable).
/// </summary>
/// <remarks>
/// Most in-flight requests are never joined, so the task the joiners wait on is made only when the first one asks:
/// the state is null (pending, nobody waiting), the waiters' <see cref="TaskCompletionSource{TResult}"/>, or, when it
/// ended before anyone waited, the <see cref="SharedResponse"/> or <see cref="s_declined"/>. The first outcome wins.
/// </remarks>
internal sealed class InFlightRequest
{
    private static readonly object s_declined = new();

    private object? _state;
    private volatile bool _leaderFailed;

    public Task<SharedResponse?> Response
    {
        get
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                switch (state)
                {
                    case TaskCompletionSource<SharedResponse?> waiting:
                        return waiting.Task;
                    case SharedResponse response:
                        return Task.FromResult<SharedResponse?>(response);
                    case not null:
                        return Task.FromResult<SharedResponse?>(null);
                }

                var created = new TaskCompletionSource<SharedResponse?>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (Interlocked.CompareExchange(ref _state, created, null) is null)
                {
                    return created.Task;
                }
            }
        }
    }

    public void Publish(SharedResponse response) => End(response);

    /// <summary>Gets or sets the farm-wide lease the leader holds for the key (<see cref="FarmCoalescing"/>), released when the flight ends.</summary>
    public HttpCacheLease? FarmLease { get; set; }

    /// <summary>Gets a value indicating whether the leader's request failed or was cancelled (so a waiting request may take over).</summary>
    public bool LeaderFailed => _leaderFailed;

    /// <summary>Tells the waiting requests to go to the origin themselves.</summary>
    public void Decline() => End(null);

    /// <summary>Tells the waiting requests that the leader's request failed or was cancelled: one of them may lead anew.</summary>
    public void Fail()
    {
        _leaderFailed = true;
        End(null);
    }

    private void End(SharedResponse? response)
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state is TaskCompletionSource<SharedResponse?> waiting)
            {
                waiting.TrySetResult(response);
                return;
            }

            if (state is not null || Interlocked.CompareExchange(ref _state, response ?? s_declined, null) is null)
            {
                return;
            }
        }
    }
}
