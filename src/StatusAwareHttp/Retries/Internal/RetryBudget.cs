namespace StatusAwareHttp.Retries.Internal;

/// <summary>
/// The retry budget of one client: a token bucket that starts full (as gRPC's retry throttling does). Every request
/// adds <see cref="RetryOptions.BudgetRatio"/> of a token, up to <see cref="RetryOptions.BudgetSize"/>; every retry
/// takes a whole one. Isolated failures always find a token; a sustained outage empties the bucket, after which
/// retries are at most the ratio of requests. Lock-free; a full bucket costs one volatile read per request.
/// </summary>
internal sealed class RetryBudget
{
    // Tokens are counted in thousandths so that the bucket is one int updated with compare-and-swap.
    private const int Scale = 1000;

    private int _milliTokens;
    private int _capacity;
    private int _refill;

    public RetryBudget(int size, double ratio)
    {
        Configure(size, ratio);
        _milliTokens = _capacity;
    }

    /// <summary>Gets the tokens in the bucket (whole retries available now).</summary>
    public double Tokens => Volatile.Read(ref _milliTokens) / (double)Scale;

    /// <summary>Applies new options (a handler was rebuilt after the options changed); the tokens are kept, within the new size.</summary>
    public void Configure(int size, double ratio)
    {
        Volatile.Write(ref _capacity, checked(size * Scale));
        Volatile.Write(ref _refill, (int)Math.Round(ratio * Scale));
        int current;
        while ((current = Volatile.Read(ref _milliTokens)) > _capacity
            && Interlocked.CompareExchange(ref _milliTokens, _capacity, current) != current)
        {
        }
    }

    /// <summary>Adds a request's share of a token.</summary>
    public void OnRequest()
    {
        var capacity = Volatile.Read(ref _capacity);
        var current = Volatile.Read(ref _milliTokens);
        if (current >= capacity)
        {
            return;
        }

        var refill = Volatile.Read(ref _refill);
        while (true)
        {
            var next = Math.Min(current + refill, capacity);
            var seen = Interlocked.CompareExchange(ref _milliTokens, next, current);
            if (seen == current || seen >= capacity)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Takes a token for a retry.</summary>
    /// <returns><see langword="false"/> when the bucket holds less than one token: the retry is refused.</returns>
    public bool TryTakeRetry()
    {
        var current = Volatile.Read(ref _milliTokens);
        while (current >= Scale)
        {
            var seen = Interlocked.CompareExchange(ref _milliTokens, current - Scale, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }
}
