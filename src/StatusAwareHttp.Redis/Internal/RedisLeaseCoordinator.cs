using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Polly.Timeout;
using StackExchange.Redis;
using StatusAwareHttp.Caching;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>
/// Farm-wide leases on cache keys in Redis: <c>SET lease NX PX</c> takes one; its holder releases it with a script that
/// deletes it only while it is still its own and publishes the key on the release channel. An instance that finds it
/// taken waits for that message (or, every <see cref="RedisCoordinationOptions.PollInterval"/>, for the key to be
/// gone: released, or expired with a holder that died), at most <see cref="RedisCoordinationOptions.WaitTime"/>.
/// Any failure (error, timeout, open circuit) answers <see cref="HttpCacheLease.Alone"/>.
/// </summary>
internal sealed class RedisLeaseCoordinator : IHttpCacheCoordinator
{
    private const string ReleaseScript =
        "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end redis.call('publish', ARGV[2], ARGV[3]) return 1";

    private readonly RedisCoordination _redis;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);
    private readonly Lock _subscribeLock = new();
    private Task? _subscribed;

    public RedisLeaseCoordinator(RedisCoordination redis) => _redis = redis;

    public async ValueTask<HttpCacheLease> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var id = LeaseNames.Hash(key);
        var leaseKey = (RedisKey)(_redis.LeasePrefix + id);
        var options = _redis.Options;
        var pipeline = _redis.Pipeline;
        var operation = "lease";
        var released = _waiting.GetOrAdd(id, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
            var db = (await _redis.ConnectionAsync().WaitAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();
            var token = Guid.NewGuid().ToString("N");
            var taken = await pipeline.CallAsync(
                operation,
                ct => db.StringSetAsync(leaseKey, token, options.LeaseTime, When.NotExists).WaitAsync(ct),
                cancellationToken).ConfigureAwait(false);
            if (taken)
            {
                return HttpCacheLease.Acquired(() => _ = ReleaseAsync(db, leaseKey, token, id));
            }

            Log.Waiting(_redis.Logger, _redis.ClientName);
            operation = "wait";
            await pipeline.Wait.ExecuteAsync(
                static async (state, ct) =>
                {
                    var (self, released, db, leaseKey) = state;
                    while (true)
                    {
                        var tick = Task.Delay(self._redis.Options.PollInterval, self._redis.Time, ct);
                        if (await Task.WhenAny(released.Task, tick).ConfigureAwait(false) == released.Task)
                        {
                            return;
                        }

                        await tick.ConfigureAwait(false);
                        var exists = await self._redis.Pipeline.CallAsync("poll", c => db.KeyExistsAsync(leaseKey).WaitAsync(c), ct).ConfigureAwait(false);
                        if (!exists)
                        {
                            return;
                        }
                    }
                },
                (this, released, db, leaseKey),
                cancellationToken).ConfigureAwait(false);
            return HttpCacheLease.Released;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException) when (operation == "wait")
        {
            Log.WaitTimedOut(_redis.Logger, _redis.ClientName, options.WaitTime);
            return HttpCacheLease.Alone;
        }
        catch (Exception ex)
        {
            Log.CallFailed(_redis.Logger, _redis.ClientName, operation, ex);
            return HttpCacheLease.Alone;
        }
        finally
        {
            _waiting.TryRemove(new KeyValuePair<string, TaskCompletionSource>(id, released));
        }
    }

    private async Task ReleaseAsync(IDatabase db, RedisKey leaseKey, string token, string id)
    {
        try
        {
            await _redis.Pipeline.CallAsync(
                "release",
                ct => db.ScriptEvaluateAsync(ReleaseScript, [leaseKey], [token, (RedisValue)_redis.ReleasedChannel.ToString(), id]).WaitAsync(ct),
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The lease expires by itself; the waiting instances see it gone at their next poll.
            Log.CallFailed(_redis.Logger, _redis.ClientName, "release", ex);
        }
    }

    /// <summary>Subscribes to the release channel once (again after a failure): a message wakes the local waiter of its key.</summary>
    private Task EnsureSubscribedAsync(CancellationToken cancellationToken)
    {
        lock (_subscribeLock)
        {
            if (_subscribed is null || _subscribed.IsFaulted || _subscribed.IsCanceled)
            {
                _subscribed = SubscribeAsync();
            }
        }

        return _subscribed.IsCompletedSuccessfully ? Task.CompletedTask : _subscribed.WaitAsync(cancellationToken);
    }

    private async Task SubscribeAsync()
    {
        var connection = await _redis.ConnectionAsync().ConfigureAwait(false);
        var channel = _redis.ReleasedChannel;
        await _redis.Pipeline.CallAsync(
            "subscribe",
            async ct =>
            {
                await connection.GetSubscriber().SubscribeAsync(channel, (_, message) => OnReleased(message)).WaitAsync(ct).ConfigureAwait(false);
                return true;
            },
            CancellationToken.None).ConfigureAwait(false);
        Log.Subscribed(_redis.Logger, _redis.ClientName, channel.ToString());
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
