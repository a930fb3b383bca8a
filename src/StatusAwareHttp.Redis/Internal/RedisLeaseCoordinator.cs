using Microsoft.Extensions.Diagnostics.HealthChecks;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>
/// Farm-wide leases on cache keys in Redis. One script call takes a lease (<c>SET NX PX</c> of a record dated by the
/// server's clock, <see cref="LeaseRecord"/>) or says what holds it. A holder this library did not write, one older than
/// <see cref="RedisCoordinationOptions.LeaseTime"/> by its own record, or one without an expiry is taken over at once;
/// another is waited for: its release message (pub/sub), or, every <see cref="RedisCoordinationOptions.PollInterval"/>,
/// the key gone, at most until its record is <see cref="RedisCoordinationOptions.LeaseTime"/> old (then it is asked for
/// again, and taken over) and at most <see cref="RedisCoordinationOptions.WaitTime"/>. The holder releases it with a
/// script that deletes it only while it is still its own record and publishes the key on the release channel.
/// Redis unreachable, a failed call, a timeout or an open circuit answer <see cref="HttpCacheLease.Alone"/>.
/// </summary>
internal sealed class RedisLeaseCoordinator : IHttpCacheCoordinator, IHealthCheck
{
    private readonly RedisCoordination _redis;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);
    private readonly Lock _subscribeLock = new();
    private Task<bool>? _subscribed;

    public RedisLeaseCoordinator(RedisCoordination redis) => _redis = redis;

    /// <summary>Reports the health of the client's Redis link (for <c>AddHealthChecks().AddStatusHandling()</c>).</summary>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        _redis.CheckHealthAsync(context, cancellationToken);

    public async ValueTask<HttpCacheLease> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        // Waits at most the operation timeout for a connection being made; none when Redis cannot be reached (logged once).
        if (await _redis.Connection.GetAsync(cancellationToken).ConfigureAwait(false) is not { } connection)
        {
            return HttpCacheLease.Alone;
        }

        Subscribe(connection);
        var id = LeaseNames.Hash(key);
        var lease = (RedisKey)(_redis.LeasePrefix + id);
        var db = connection.GetDatabase();
        var options = _redis.Options;
        var head = LeaseRecord.Head(Guid.NewGuid().ToString("N"));
        var released = _waiting.GetOrAdd(id, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var operation = "lease";
        var bound = options.WaitTime;
        try
        {
            var reply = await _redis.Pipeline.CallAsync(operation, ct => LeaseScripts.AcquireAsync(db, lease, head, options.LeaseTime).WaitAsync(ct), cancellationToken).ConfigureAwait(false);
            if (reply.Written is { } record)
            {
                return Held(db, lease, record, id);
            }

            var judgement = LeaseRecord.Judge(reply.Type, reply.Held, reply.TtlMs, reply.NowMs, options.LeaseTime);
            if (judgement.TakesOver)
            {
                operation = "takeover";
                var taken = await _redis.Pipeline.CallAsync(operation, ct => LeaseScripts.TakeOverAsync(db, lease, reply, head, options.LeaseTime).WaitAsync(ct), cancellationToken).ConfigureAwait(false);
                if (taken is null)
                {
                    // Another instance changed it meanwhile: the store is read again, and the lease asked for again.
                    return HttpCacheLease.Released;
                }

                Log.TookOver(_redis.Logger, _redis.ClientName, judgement.Reason);
                return Held(db, lease, taken, id);
            }

            Log.Waiting(_redis.Logger, _redis.ClientName);
            operation = "wait";
            bound = judgement.Remaining < options.WaitTime ? judgement.Remaining : options.WaitTime;
            if (await WaitAsync(released, db, lease, bound, cancellationToken).ConfigureAwait(false) is { } pollFailure)
            {
                return Alone("poll", pollFailure);
            }

            return HttpCacheLease.Released;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException) when (operation == "wait")
        {
            if (bound < options.WaitTime)
            {
                // The holder's record is as old as the lease time now: asked for again, the lease is taken over.
                return HttpCacheLease.Released;
            }

            Log.WaitTimedOut(_redis.Logger, _redis.ClientName, options.WaitTime);
            return HttpCacheLease.Alone;
        }
        catch (Exception ex)
        {
            return Alone(operation, ex);
        }
        finally
        {
            _waiting.TryRemove(new KeyValuePair<string, TaskCompletionSource>(id, released));
        }
    }

    /// <summary>
    /// Waits for the holder's release message, or for the key to be gone at a poll, at most <paramref name="bound"/>
    /// (then throws <see cref="TimeoutRejectedException"/>); returns the failure of a poll, if one failed.
    /// </summary>
    private async Task<Exception?> WaitAsync(TaskCompletionSource released, IDatabase db, RedisKey lease, TimeSpan bound, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(CoordinationPipeline.WaitBound, bound);
        try
        {
            return await _redis.Pipeline.Wait.ExecuteAsync(
                static async (ctx, state) =>
                {
                    var (self, released, db, lease) = state;
                    var ct = ctx.CancellationToken;
                    while (true)
                    {
                        var tick = Task.Delay(self._redis.Options.PollInterval, self._redis.Time, ct);
                        if (await Task.WhenAny(released.Task, tick).ConfigureAwait(false) == released.Task)
                        {
                            return null;
                        }

                        await tick.ConfigureAwait(false);
                        try
                        {
                            if (!await self._redis.Pipeline.CallAsync("poll", c => db.KeyExistsAsync(lease).WaitAsync(c), ct).ConfigureAwait(false))
                            {
                                return null;
                            }
                        }
                        catch (Exception ex) when (!ct.IsCancellationRequested)
                        {
                            return ex;
                        }
                    }
                },
                context,
                (this, released, db, lease)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private HttpCacheLease Held(IDatabase db, RedisKey lease, string record, string id) =>
        HttpCacheLease.Acquired(() => _ = ReleaseAsync(db, lease, record, id));

    private HttpCacheLease Alone(string operation, Exception exception)
    {
        if (exception is BrokenCircuitException)
        {
            Log.LeftAlone(_redis.Logger, _redis.ClientName, operation);
        }
        else
        {
            Log.CallFailed(_redis.Logger, _redis.ClientName, operation, exception);
        }

        return HttpCacheLease.Alone;
    }

    private async Task ReleaseAsync(IDatabase db, RedisKey lease, string record, string id)
    {
        try
        {
            await _redis.Pipeline.CallAsync(
                "release",
                async ct =>
                {
                    await LeaseScripts.ReleaseAsync(db, lease, record, _redis.ReleasedChannel, id).WaitAsync(ct).ConfigureAwait(false);
                    return true;
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The lease expires by itself; the waiting instances see it gone at a poll, or outlived.
            Alone("release", ex);
        }
    }

    /// <summary>
    /// Subscribes to the release channel in the background, once (again after a failure); a request never waits for
    /// it (until it holds, a waiter sees a release at its next poll). A message wakes the local waiter of its key.
    /// </summary>
    private void Subscribe(IConnectionMultiplexer connection)
    {
        if (Volatile.Read(ref _subscribed) is { } current && (!current.IsCompleted || current is { IsCompletedSuccessfully: true, Result: true }))
        {
            return;
        }

        lock (_subscribeLock)
        {
            if (_subscribed is null || (_subscribed.IsCompleted && !(_subscribed is { IsCompletedSuccessfully: true, Result: true })))
            {
                _subscribed = Task.Run(() => SubscribeAsync(connection));
            }
        }
    }

    private async Task<bool> SubscribeAsync(IConnectionMultiplexer connection)
    {
        var channel = _redis.ReleasedChannel;
        try
        {
            await _redis.Pipeline.CallAsync(
                "subscribe",
                async ct =>
                {
                    await connection.GetSubscriber().SubscribeAsync(channel, (_, message) => OnReleased(message)).WaitAsync(ct).ConfigureAwait(false);
                    return true;
                },
                CancellationToken.None).ConfigureAwait(false);
            Log.Subscribed(_redis.Logger, _redis.ClientName, channel.ToString());
            return true;
        }
        catch (Exception ex)
        {
            Alone("subscribe", ex);
            return false;
        }
    }

    private void OnReleased(RedisValue message)
    {
        if (!message.IsNullOrEmpty && _waiting.TryRemove((string)message!, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}

/// <summary>The names of leases: a cache key may be long and carry a URL; Redis sees only its SHA-256.</summary>
internal static class LeaseNames
{
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
