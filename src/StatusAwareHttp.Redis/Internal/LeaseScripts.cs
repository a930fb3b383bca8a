using StackExchange.Redis;

namespace StatusAwareHttp.Redis.Internal;

/// <summary>
/// The lease scripts, each one round trip and atomic in Redis: acquire (<c>SET NX PX</c> of a record dated by the
/// server's <c>TIME</c>, or what holds the key), take over (the same record, only while the key still holds what was
/// seen), release (delete only while it is still one's own record, and publish the release).
/// </summary>
internal static class LeaseScripts
{
    private const string Now = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) ";

    /// <summary>KEYS[1] the lease; ARGV[1] the record's head, ARGV[2] the lease time in ms. Returns {1, record} or {0, now, type, value, pttl}.</summary>
    private const string AcquireScript = Now +
        "local record = ARGV[1] .. string.format('%d', now) " +
        "if redis.call('SET', KEYS[1], record, 'NX', 'PX', ARGV[2]) then return {1, record} end " +
        "local kind = redis.call('TYPE', KEYS[1])['ok'] local held = '' " +
        "if kind == 'string' then held = redis.call('GET', KEYS[1]) end " +
        "return {0, now, kind, held, redis.call('PTTL', KEYS[1])}";

    /// <summary>KEYS[1] the lease; ARGV[1] the type seen, ARGV[2] the value seen, ARGV[3] the record's head, ARGV[4] the lease time in ms. Returns {1, record} or {0}.</summary>
    private const string TakeOverScript =
        "local kind = redis.call('TYPE', KEYS[1])['ok'] " +
        "if kind ~= ARGV[1] or (kind == 'string' and redis.call('GET', KEYS[1]) ~= ARGV[2]) then return {0} end " +
        Now +
        "local record = ARGV[3] .. string.format('%d', now) " +
        "redis.call('SET', KEYS[1], record, 'PX', ARGV[4]) return {1, record}";

    /// <summary>KEYS[1] the lease; ARGV[1] the record, ARGV[2] the release channel, ARGV[3] the message.</summary>
    private const string ReleaseScript =
        "if redis.call('TYPE', KEYS[1])['ok'] == 'string' and redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end " +
        "redis.call('PUBLISH', ARGV[2], ARGV[3]) return 1";

    /// <summary>Takes the lease, or says what holds it.</summary>
    public static async Task<LeaseReply> AcquireAsync(IDatabase db, RedisKey lease, string head, TimeSpan leaseTime)
    {
        var reply = (RedisResult[])(await db.ScriptEvaluateAsync(AcquireScript, [lease], [head, (long)leaseTime.TotalMilliseconds]).ConfigureAwait(false))!;
        return (long)reply[0] == 1
            ? new LeaseReply((string?)reply[1], 0, "string", null, 0)
            : new LeaseReply(null, (long)reply[1], (string)reply[2]!, (string?)reply[3], (long)reply[4]);
    }

    /// <summary>Takes the lease over from the holder <paramref name="seen"/>; <see langword="null"/> when the key changed meanwhile.</summary>
    public static async Task<string?> TakeOverAsync(IDatabase db, RedisKey lease, LeaseReply seen, string head, TimeSpan leaseTime)
    {
        var reply = (RedisResult[])(await db.ScriptEvaluateAsync(TakeOverScript, [lease], [seen.Type, seen.Held ?? string.Empty, head, (long)leaseTime.TotalMilliseconds]).ConfigureAwait(false))!;
        return (long)reply[0] == 1 ? (string?)reply[1] : null;
    }

    /// <summary>Releases the lease while it holds <paramref name="record"/>, and tells the waiters (<paramref name="message"/> on <paramref name="channel"/>).</summary>
    public static Task ReleaseAsync(IDatabase db, RedisKey lease, string record, RedisChannel channel, string message) =>
        db.ScriptEvaluateAsync(ReleaseScript, [lease], [record, channel.ToString(), message]);
}

/// <summary>
/// The answer of the acquire script: the record written (the lease is this instance's), or what holds the key: the
/// server's time, the key's type, its value when a string, its <c>PTTL</c>.
/// </summary>
internal readonly record struct LeaseReply(string? Written, long NowMs, string Type, string? Held, long TtlMs);
