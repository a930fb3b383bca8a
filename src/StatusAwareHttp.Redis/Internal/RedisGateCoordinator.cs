using System.Net;
using StackExchange.Redis;
using StatusAwareHttp.Retries;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>
/// Farm-wide origin gates on Redis pub/sub: a gate this instance closes is published on the client's gates channel;
/// the gates the others publish close this instance's local gate, so a request checks nothing remote. The subscription
/// is made in the background (tried again every <see cref="RedisCoordinationOptions.BreakDuration"/> until it holds;
/// StackExchange.Redis restores it after a reconnect); a publication that fails is logged and dropped.
/// </summary>
internal sealed class RedisGateCoordinator : IOriginGateCoordinator, IDisposable
{
    private readonly RedisCoordination _redis;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Action<Uri, TimeSpan, HttpStatusCode>> _subscribers = [];
    private readonly Lock _sync = new();
    private Task? _subscription;

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
            _subscription ??= SubscribeLoopAsync();
        }

        return new Unsubscriber(this, closed);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task PublishAsync(string message)
    {
        try
        {
            var connection = await _redis.ConnectionAsync().ConfigureAwait(false);
            await _redis.Pipeline.CallAsync("publish", ct => connection.GetSubscriber().PublishAsync(_redis.GatesChannel, message).WaitAsync(ct), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.CallFailed(_redis.Logger, _redis.ClientName, "publish", ex);
        }
    }

    private async Task SubscribeLoopAsync()
    {
        var token = _stopping.Token;
        try
        {
            await _redis.Pipeline.Subscribe.ExecuteAsync(
                static async (self, ct) =>
                {
                    try
                    {
                        var connection = await self._redis.ConnectionAsync().WaitAsync(ct).ConfigureAwait(false);
                        await self._redis.Pipeline.CallAsync(
                            "subscribe",
                            async c =>
                            {
                                await connection.GetSubscriber().SubscribeAsync(self._redis.GatesChannel, (_, value) => self.OnMessage(value)).WaitAsync(c).ConfigureAwait(false);
                                return true;
                            },
                            ct).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!ct.IsCancellationRequested)
                    {
                        Log.CallFailed(self._redis.Logger, self._redis.ClientName, "subscribe", ex);
                        throw;
                    }
                },
                this,
                token).ConfigureAwait(false);
            Log.Subscribed(_redis.Logger, _redis.ClientName, _redis.GatesChannel.ToString());
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
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
}
