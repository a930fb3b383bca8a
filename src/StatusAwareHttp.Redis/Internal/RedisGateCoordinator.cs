using Microsoft.Extensions.Diagnostics.HealthChecks;
using System.Net;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>
/// Farm-wide origin gates on Redis pub/sub: a gate this instance closes is published on the client's gates channel;
/// the gates the others publish close this instance's local gate, so a request checks nothing remote. The subscription
/// is made in the background (tried again every <see cref="RedisCoordinationOptions.BreakDuration"/> until it holds;
/// StackExchange.Redis restores it after a reconnect); a publication that fails is logged and dropped. Disposed any
/// number of times (the container disposes it once per registration that returns it); never throws.
/// </summary>
internal sealed class RedisGateCoordinator : IOriginGateCoordinator, IDisposable, IHealthCheck
{
    private readonly RedisCoordination _redis;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Action<Uri, TimeSpan, HttpStatusCode>> _subscribers = [];
    private readonly Lock _sync = new();
    private Task? _subscription;
    private bool _disposed;

    public RedisGateCoordinator(RedisCoordination redis) => _redis = redis;

    /// <summary>Gets the background subscription (for tests).</summary>
    public Task? Subscription => _subscription;

    public void Publish(Uri origin, TimeSpan hold, HttpStatusCode status) => _ = PublishAsync(GateMessage.Format(_redis.InstanceId, origin, hold, status));

    public IDisposable Subscribe(Action<Uri, TimeSpan, HttpStatusCode> closed)
    {
        ArgumentNullException.ThrowIfNull(closed);
        lock (_sync)
        {
            _subscribers.Add(closed);
            if (_subscription is null && !_disposed)
            {
                var token = _stopping.Token;
                _subscription = Task.Run(() => SubscribeLoopAsync(token), CancellationToken.None);
            }
        }

        return new Unsubscriber(this, closed);
    }

    public void Dispose()
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        try
        {
            _stopping.Cancel();
        }
        catch (AggregateException)
        {
            // A callback of the subscription's wait failed while it was stopped: nothing is left to stop.
        }

        _stopping.Dispose();
    }

    private async Task PublishAsync(string message)
    {
        try
        {
            if (await _redis.Connection.GetAsync(CancellationToken.None).ConfigureAwait(false) is not { } connection)
            {
                // Unreachable (logged once by the connection): the other instances learn the gate from the origin.
                return;
            }

            await _redis.Pipeline.CallAsync("publish", ct => connection.GetSubscriber().PublishAsync(_redis.GatesChannel, message).WaitAsync(ct), CancellationToken.None).ConfigureAwait(false);
        }
        catch (BrokenCircuitException)
        {
            Log.LeftAlone(_redis.Logger, _redis.ClientName, "publish");
        }
        catch (Exception ex)
        {
            Log.CallFailed(_redis.Logger, _redis.ClientName, "publish", ex);
        }
    }

    private async Task SubscribeLoopAsync(CancellationToken token)
    {
        try
        {
            await _redis.Pipeline.Subscribe.ExecuteAsync(static async (self, ct) => await self.TrySubscribeAsync(ct).ConfigureAwait(false), this, token).ConfigureAwait(false);
            Log.Subscribed(_redis.Logger, _redis.ClientName, _redis.GatesChannel.ToString());
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    /// <summary>One attempt; false (tried again later) when Redis cannot be reached or the call failed (logged).</summary>
    private async ValueTask<bool> TrySubscribeAsync(CancellationToken cancellationToken)
    {
        if (await _redis.Connection.GetAsync(cancellationToken).ConfigureAwait(false) is not { } connection)
        {
            return false;
        }

        try
        {
            return await _redis.Pipeline.CallAsync(
                "subscribe",
                async ct =>
                {
                    await connection.GetSubscriber().SubscribeAsync(_redis.GatesChannel, (_, value) => OnMessage(value)).WaitAsync(ct).ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException)
        {
            Log.LeftAlone(_redis.Logger, _redis.ClientName, "subscribe");
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.CallFailed(_redis.Logger, _redis.ClientName, "subscribe", ex);
            return false;
        }
    }

    private void OnMessage(RedisValue value)
    {
        if (!GateMessage.TryParse(value, out var message))
        {
            Log.BadMessage(_redis.Logger, _redis.ClientName);
            return;
        }

        if (message.Instance == _redis.InstanceId)
        {
            return;
        }

        Action<Uri, TimeSpan, HttpStatusCode>[] subscribers;
        lock (_sync)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber(message.Origin, message.Hold, message.Status);
        }

        Log.RemoteGate(_redis.Logger, _redis.ClientName, $"{message.Origin.Scheme}://{message.Origin.IdnHost}:{message.Origin.Port}", message.Hold, (int)message.Status);
    }

    private sealed class Unsubscriber(RedisGateCoordinator owner, Action<Uri, TimeSpan, HttpStatusCode> closed) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._sync)
            {
                owner._subscribers.Remove(closed);
            }
        }
    }

    /// <summary>Reports the health of the client's Redis link (for <c>AddHealthChecks().AddStatusHandling()</c>).</summary>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        _redis.CheckHealthAsync(context, cancellationToken);
}
