using Microsoft.Extensions.Time.Testing;
using StatusAwareHttp.Caching.Distributed.Internal;

namespace StatusAwareHttp.Tests.Distributed;

public sealed class StoreCircuitTests
{
    private static readonly TimeSpan s_break = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

    private StoreCircuit Circuit() => new(_time, s_break);

    [Fact]
    public void Closed_lets_every_call_through()
    {
        var circuit = Circuit();

        Assert.Equal(CircuitDecision.Call, circuit.Enter());
        Assert.Equal(CircuitDecision.Call, circuit.Enter());
        Assert.False(circuit.Succeeded(CircuitDecision.Call));
        Assert.True(circuit.IsClosed);
    }

    [Fact]
    public void A_failure_opens_it_once_and_calls_skip_for_the_break()
    {
        var circuit = Circuit();

        Assert.True(circuit.Failed(circuit.Enter()));
        Assert.False(circuit.Failed(CircuitDecision.Call)); // a call that started before: already open, no second warning

        Assert.False(circuit.IsClosed);
        Assert.Equal(CircuitDecision.Skip, circuit.Enter());
        _time.Advance(s_break - TimeSpan.FromMilliseconds(1));
        Assert.Equal(CircuitDecision.Skip, circuit.Enter());
    }

    [Fact]
    public void After_the_break_one_call_probes_while_the_others_skip()
    {
        var circuit = Circuit();
        circuit.Failed(circuit.Enter());
        _time.Advance(s_break);

        Assert.Equal(CircuitDecision.Probe, circuit.Enter());
        Assert.Equal(CircuitDecision.Skip, circuit.Enter());
        Assert.Equal(CircuitDecision.Skip, circuit.Enter());
    }

    [Fact]
    public void A_successful_probe_closes_it()
    {
        var circuit = Circuit();
        circuit.Failed(circuit.Enter());
        _time.Advance(s_break);

        Assert.True(circuit.Succeeded(circuit.Enter()));

        Assert.True(circuit.IsClosed);
        Assert.Equal(CircuitDecision.Call, circuit.Enter());
    }

    [Fact]
    public void A_failed_probe_opens_it_for_another_break()
    {
        var circuit = Circuit();
        circuit.Failed(circuit.Enter());
        _time.Advance(s_break);

        Assert.True(circuit.Failed(circuit.Enter()));

        Assert.Equal(CircuitDecision.Skip, circuit.Enter());
        _time.Advance(s_break);
        Assert.Equal(CircuitDecision.Probe, circuit.Enter());
    }

    [Fact]
    public void A_slow_success_after_it_opened_does_not_close_it()
    {
        var circuit = Circuit();
        var slow = circuit.Enter();
        circuit.Failed(circuit.Enter());

        Assert.False(circuit.Succeeded(slow));

        Assert.Equal(CircuitDecision.Skip, circuit.Enter());
    }

    [Fact]
    public void An_abandoned_probe_lets_the_next_call_probe()
    {
        var circuit = Circuit();
        circuit.Failed(circuit.Enter());
        _time.Advance(s_break);
        var probe = circuit.Enter();

        circuit.Abandoned(probe);

        Assert.Equal(CircuitDecision.Probe, circuit.Enter());
    }
}
