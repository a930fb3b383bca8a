namespace StatusAwareHttp.Retries.Internal.RateLimit;

/// <summary>The units one request took from its origin's quotas, handed back when its answer (or failure) comes.</summary>
internal sealed class QuotaTicket
{
    internal QuotaTicket(List<QuotaTracker.Entry> entries)
    {
        Entries = entries;
    }

    internal List<QuotaTracker.Entry> Entries { get; }

    internal bool Returned { get; set; }
}

/// <summary>What an answer's reports did: the longest hold of an origin-wide quota it exhausted, if any.</summary>
internal readonly record struct QuotaUpdate(bool OriginExhausted, TimeSpan Hold, string? Policy, long Remaining);

/// <summary>
/// The quotas one client's origins announced (draft-ietf-httpapi-ratelimit-headers-11 §4), per origin, partition and
/// policy, with the requests sent and not yet answered counted against them, so that concurrent callers never overrun
/// an announced quota. Lives in <see cref="ClientRetryState"/>, beside the origin gate; checking it costs one volatile
/// read while no origin has announced a quota. Pure of I/O: the current time is an argument.
/// </summary>
/// <remarks>
/// Partitions (§3.1.4, §4.1.3): an item with <c>pk</c> applies to the requests of the same partition, which the
/// handler guesses from the request's credentials (§7.1 allows heuristics); an item without applies to the whole origin.
/// </remarks>
internal sealed class QuotaTracker
{
    /// <summary>The most quotas remembered per client; past it, those that ended and have nothing in flight are dropped.</summary>
    public const int MaxEntries = 4096;

    private readonly Lock _sync = new();
    private readonly Dictionary<string, List<Entry>> _origins = new(StringComparer.Ordinal);
    private int _count;
    private int _sending;

    /// <summary>Gets a value indicating whether no quota is known; <see langword="true"/> is the fast path.</summary>
    public bool IsEmpty => Volatile.Read(ref _count) == 0;

    /// <summary>Counts a request on its way to any origin (with <see cref="Answered"/>): what a quota learnt from a first answer must count as in flight.</summary>
    public void Sending() => Interlocked.Increment(ref _sending);

    /// <summary>Counts a request's answer (or failure).</summary>
    public void Answered() => Interlocked.Decrement(ref _sending);

    /// <summary>Whether <paramref name="origin"/> has a quota of a partition (then the request's partition is worth computing).</summary>
    public bool HasPartitions(string origin)
    {
        lock (_sync)
        {
            return _origins.TryGetValue(origin, out var entries) && entries.Exists(e => e.Partition.Length != 0);
        }
    }

    /// <summary>
    /// Takes a unit of every quota that applies to a request to <paramref name="origin"/> in <paramref name="partition"/>
    /// ("" when it has none), or says how long to wait: until the exhausted quota's window ends, until the spread
    /// mode's next slot, or until an answer frees a unit taken by a request in flight.
    /// </summary>
    public QuotaDecision TryTake(string origin, string partition, DateTimeOffset now, bool spread)
    {
        lock (_sync)
        {
            if (!_origins.TryGetValue(origin, out var entries))
            {
                return QuotaDecision.SendFree;
            }

            var longest = TimeSpan.Zero;
            Entry? holding = null;
            Entry? awaitingAnswer = null;
            List<Entry>? applicable = null;
            for (var i = entries.Count - 1; i >= 0; i--)
            {
                var entry = entries[i];
                if (entry.Partition.Length != 0 && entry.Partition != partition)
                {
                    continue;
                }

                if (!entry.Refresh(now))
                {
                    entries.RemoveAt(i);
                    _count--;
                    entry.Signal();
                    continue;
                }

                (applicable ??= []).Add(entry);
                var wait = TimeSpan.Zero;
                if (QuotaMath.Free(entry.Remaining, entry.InFlight + entry.Untracked) <= 0)
                {
                    // Exhausted: until the window ends (§4.1.2); with no window, until an answer in flight says more.
                    if (entry.ResetAt is { } reset)
                    {
                        wait = reset - now;
                    }
                    else if (entry.InFlight > 0)
                    {
                        awaitingAnswer ??= entry;
                    }
                }
                else if (spread && entry.NextAt is { } next && next > now)
                {
                    wait = next - now;
                }

                if (wait > longest)
                {
                    longest = wait;
                    holding = entry;
                }
            }

            if (entries.Count == 0)
            {
                _origins.Remove(origin);
            }

            if (holding is not null)
            {
                return new QuotaDecision(QuotaAction.Wait, longest, holding.Changed, holding.Policy, null);
            }

            if (awaitingAnswer is not null)
            {
                return new QuotaDecision(QuotaAction.Wait, null, awaitingAnswer.Changed, awaitingAnswer.Policy, null);
            }

            if (applicable is null)
            {
                return QuotaDecision.SendFree;
            }

            foreach (var entry in applicable)
            {
                if (spread && entry.ResetAt is { } reset)
                {
                    entry.NextAt = now + QuotaMath.SpreadInterval(reset - now, QuotaMath.Free(entry.Remaining, entry.InFlight + entry.Untracked));
                }

                entry.InFlight++;
            }

            return new QuotaDecision(QuotaAction.Send, TimeSpan.Zero, Task.CompletedTask, null, new QuotaTicket(applicable));
        }
    }

    /// <summary>Hands back the units of a request that got no readable answer (a failure, or no fields).</summary>
    public void Return(QuotaTicket? ticket)
    {
        if (ticket is null)
        {
            return;
        }

        lock (_sync)
        {
            ReturnLocked(ticket);
        }
    }

    /// <summary>
    /// Records what a fresh answer to a request to <paramref name="origin"/> in <paramref name="partition"/> reports,
    /// after handing back the request's units (the origin counted it). Out of order answers within the same window
    /// keep the lower remaining count.
    /// </summary>
    public QuotaUpdate Report(string origin, string partition, QuotaTicket? ticket, IReadOnlyList<QuotaReport> reports, DateTimeOffset now)
    {
        var update = default(QuotaUpdate);
        lock (_sync)
        {
            if (ticket is not null)
            {
                ReturnLocked(ticket);
            }

            if (!_origins.TryGetValue(origin, out var entries))
            {
                entries = [];
                _origins[origin] = entries;
            }

            foreach (var report in reports)
            {
                var key = report.Partitioned ? partition : string.Empty;
                var entry = entries.Find(e => e.Partition == key && e.Policy == report.Policy);
                if (entry is null)
                {
                    if (_count >= MaxEntries)
                    {
                        Trim(now);
                        if (_count >= MaxEntries)
                        {
                            continue;
                        }
                    }

                    // Requests sent before the origin's quota was known took no unit: counted until answered or the window ends
                    // (all requests in flight are counted, this one aside: an over-count only holds a request a little longer).
                    entry = new Entry(key, report.Policy) { Untracked = Math.Max(0, Volatile.Read(ref _sending) - 1) };
                    entries.Add(entry);
                    _count++;
                }
                else if (ticket is null && entry.Untracked > 0)
                {
                    entry.Untracked--;
                }

                entry.Update(report, now);
                entry.Signal();
                if (report.Remaining == 0 && report.ResetIn is { } hold && hold > TimeSpan.Zero && !report.Partitioned && hold > update.Hold)
                {
                    update = new QuotaUpdate(true, hold, report.Policy, report.Remaining);
                }
            }

            if (entries.Count == 0)
            {
                _origins.Remove(origin);
            }

        }

        return update;
    }

    private static void ReturnLocked(QuotaTicket ticket)
    {
        if (ticket.Returned)
        {
            return;
        }

        ticket.Returned = true;
        foreach (var entry in ticket.Entries)
        {
            if (entry.InFlight > 0)
            {
                entry.InFlight--;
            }

            entry.Signal();
        }
    }

    private void Trim(DateTimeOffset now)
    {
        foreach (var (origin, entries) in _origins.ToArray())
        {
            _count -= entries.RemoveAll(e => e.InFlight == 0 && (e.ResetAt is not { } reset || reset <= now));
            if (entries.Count == 0)
            {
                _origins.Remove(origin);
            }
        }
    }

    /// <summary>One quota of one origin (and partition): what is left, until when, and what is in flight.</summary>
    internal sealed class Entry(string partition, string policy)
    {
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Partition { get; } = partition;

        public string Policy { get; } = policy;

        public long Remaining { get; private set; }

        public DateTimeOffset? ResetAt { get; private set; }

        public long? Quota { get; private set; }

        public TimeSpan? Window { get; private set; }

        public int InFlight { get; set; }

        /// <summary>Gets or sets the requests that may be in flight to the origin since before the quota was known.</summary>
        public int Untracked { get; set; }

        public DateTimeOffset? NextAt { get; set; }

        public Task Changed => _changed.Task;

        public void Update(QuotaReport report, DateTimeOffset now)
        {
            var reset = report.ResetIn is { } t ? now + t : (DateTimeOffset?)null;

            // An answer that overtook an earlier one in the same window must not raise the count back.
            var sameWindow = ResetAt is { } current && current > now && reset is { } next && next <= current + TimeSpan.FromSeconds(1);
            Remaining = sameWindow ? Math.Min(Remaining, report.Remaining) : report.Remaining;
            ResetAt = sameWindow && reset < ResetAt ? ResetAt : reset;
            Quota = report.Quota ?? Quota;
            Window = report.Window ?? Window;
            if (!sameWindow)
            {
                NextAt = null;
            }
        }

        /// <summary>Starts the next window once this one ended: full again when the policy's size is known; else forgotten.</summary>
        /// <returns>Whether the quota is still known.</returns>
        public bool Refresh(DateTimeOffset now)
        {
            if (ResetAt is not { } reset || reset > now)
            {
                return true;
            }

            if (Quota is not { } quota)
            {
                return false;
            }

            Remaining = quota;
            Untracked = 0;
            ResetAt = Window is { } window ? now + window : null;
            NextAt = null;
            return true;
        }

        public void Signal()
        {
            var old = Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            old.TrySetResult();
        }
    }
}
