namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// Which operation on a key wins, in the queue and in the file, whatever process made it: the newer by the time it
/// carries. A write carries the request time of its newest response (RFC 9111 §4.2.3's <c>request_time</c>: the
/// origin's state can only be newer than that); a removal (an invalidation after a POST, PUT, PATCH or DELETE) the
/// time it was made, after the response that caused it. At equal times the removal wins. Pure.
/// </summary>
internal static class SqliteWriteOrder
{
    /// <summary>
    /// Whether an operation (a <paramref name="removal"/> or a write) carrying <paramref name="time"/> replaces what the
    /// key holds: an entry, or a removal (a tombstone) when <paramref name="heldRemoved"/>, carrying <paramref name="heldTime"/>.
    /// </summary>
    public static bool Replaces(bool removal, long time, long heldTime, bool heldRemoved) =>
        time > heldTime || (time == heldTime && (removal || !heldRemoved));

    /// <summary>The time a write of <paramref name="entries"/> carries: the latest request time among them.</summary>
    public static long TimeOf(IReadOnlyList<HttpCacheEntry> entries)
    {
        var time = long.MinValue;
        for (var i = 0; i < entries.Count; i++)
        {
            time = Math.Max(time, entries[i].RequestTime.UtcTicks);
        }

        return time;
    }
}
