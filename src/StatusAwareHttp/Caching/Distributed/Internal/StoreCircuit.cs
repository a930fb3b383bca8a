namespace StatusAwareHttp.Caching.Distributed.Internal;

/// <summary>What a store call may do now.</summary>
internal enum CircuitDecision
{
    /// <summary>The store answers: call it.</summary>
    Call,

    /// <summary>The break is over: this call tries the store again, alone, and its outcome closes or reopens the circuit.</summary>
    Probe,

    /// <summary>The store failed lately (or another call is probing it): skip it.</summary>
    Skip,
}

/// <summary>
/// The circuit around the distributed cache. Closed, every call goes to the store. A failure (an error or a timeout)
/// opens it for the break duration, during which calls skip the store. After the break one call probes the store
/// while the others keep skipping: its success closes the circuit, its failure opens it for another break. Time comes
/// from the <see cref="TimeProvider"/>; thread-safe; the closed path takes no lock.
/// </summary>
internal sealed class StoreCircuit
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _breakDuration;
    private readonly Lock _lock = new();

    // 0 when closed; otherwise when the break ends, in TimeProvider timestamps.
    private long _openUntil;
    private bool _probing;

    public StoreCircuit(TimeProvider time, TimeSpan breakDuration)
    {
        _time = time;
        _breakDuration = breakDuration;
    }

    public bool IsClosed => Volatile.Read(ref _openUntil) == 0;

    public CircuitDecision Enter()
    {
        if (Volatile.Read(ref _openUntil) == 0)
        {
            return CircuitDecision.Call;
        }

        lock (_lock)
        {
            if (_openUntil == 0)
            {
                return CircuitDecision.Call;
            }

            if (_probing || _time.GetTimestamp() < _openUntil)
            {
                return CircuitDecision.Skip;
            }

            _probing = true;
            return CircuitDecision.Probe;
        }
    }

    /// <summary>Records a call's success.</summary>
    /// <returns><see langword="true"/> when it was the probe and the circuit closed (the store is back).</returns>
    public bool Succeeded(CircuitDecision decision)
    {
        if (decision != CircuitDecision.Probe)
        {
            // A call let through while closed: nothing changes (a slow call finishing after another opened the
            // circuit does not close it; only the probe does).
            return false;
        }

        lock (_lock)
        {
            _probing = false;
            _openUntil = 0;
            return true;
        }
    }

    /// <summary>Records a call that ended without an outcome (its caller cancelled): a probe lets the next call probe.</summary>
    public void Abandoned(CircuitDecision decision)
    {
        if (decision == CircuitDecision.Probe)
        {
            lock (_lock)
            {
                _probing = false;
            }
        }
    }

    /// <summary>Records a call's failure.</summary>
    /// <returns><see langword="true"/> when this failure opened the circuit (it was closed, or this was the probe).</returns>
    public bool Failed(CircuitDecision decision)
    {
        lock (_lock)
        {
            if (decision == CircuitDecision.Probe)
            {
                _probing = false;
            }
            else if (_openUntil != 0)
            {
                // Already open: a call that started before the circuit opened failed too.
                return false;
            }

            // A timestamp of 0 means closed; nudge the (theoretical) zero.
            _openUntil = Math.Max(1, _time.GetTimestamp() + (long)(_breakDuration.TotalSeconds * _time.TimestampFrequency));
            return true;
        }
    }
}
