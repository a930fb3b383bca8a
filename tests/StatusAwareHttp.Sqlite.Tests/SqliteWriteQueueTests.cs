using System.Collections.Concurrent;
using StatusAwareHttp.Sqlite.Internal;
using static StatusAwareHttp.Sqlite.Tests.Infrastructure.StoreEntries;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// The write queue's own rules, with a writer the test holds at the door of each batch: the overlay, one operation per
/// key (a removal wins over an older write), the bounds, the flush. No file, no clock.
/// </summary>
public sealed class SqliteWriteQueueTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string[]> _batches = new();
    private readonly SemaphoreSlim _entered = new(0);
    private readonly SemaphoreSlim _release = new(0);

    public void Dispose()
    {
        // Let a writer still held go.
        _release.Release(100);
        _entered.Dispose();
    }

    [Fact]
    public async Task A_removal_queued_after_a_write_of_the_key_replaces_it_in_the_queue_and_in_the_overlay()
    {
        var queue = Queue();
        await queue.EnqueueAsync(Set("other"), default);
        Assert.True(await _entered.WaitAsync(Patience)); // the writer holds ["other"]; the next ones wait in the queue

        await queue.EnqueueAsync(Set("k"), default);
        Assert.NotNull(queue.Find("k")!.Entries);
        await queue.EnqueueAsync(Removal("k", Later), default);
        Assert.Null(queue.Find("k")!.Entries);
        Assert.Equal(2, queue.Count);

        await ReleaseAllAsync(queue);
        Assert.Equal(["set other", "remove k"], _batches.Select(b => string.Join(",", b)));
        Assert.Null(queue.Find("k"));
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.Bytes);
    }

    [Fact]
    public async Task A_removal_of_a_key_whose_write_is_being_made_is_made_after_it()
    {
        var queue = Queue();
        await queue.EnqueueAsync(Set("k"), default);
        Assert.True(await _entered.WaitAsync(Patience)); // the write of k is in the writer's hands

        await queue.EnqueueAsync(Removal("k", Later), default);
        Assert.Null(queue.Find("k")!.Entries); // reads see the removal at once

        await ReleaseAllAsync(queue);
        Assert.Equal(["set k", "remove k"], _batches.Select(b => string.Join(",", b)));
        Assert.Null(queue.Find("k"));
    }

    [Fact]
    public async Task Writes_queued_while_the_writer_is_busy_are_made_in_one_batch_in_their_order()
    {
        var queue = Queue();
        await queue.EnqueueAsync(Set("first"), default);
        Assert.True(await _entered.WaitAsync(Patience));
        foreach (var key in (string[])["a", "b", "a", "c"])
        {
            await queue.EnqueueAsync(Set(key), default);
        }

        // "a" again took its own place: three keys wait, not four.
        Assert.Equal(4, queue.Count);
        await ReleaseAllAsync(queue);
        Assert.Equal(["set first", "set a,set b,set c"], _batches.Select(b => string.Join(",", b)));
    }

    [Fact]
    public async Task A_full_queue_makes_the_caller_wait_for_room_and_never_holds_more_than_its_bounds()
    {
        var queue = Queue(maxCount: 2);
        await queue.EnqueueAsync(Set("a"), default);
        Assert.True(await _entered.WaitAsync(Patience));
        await queue.EnqueueAsync(Set("b"), default);

        // A third key does not fit while "a" is written and "b" waits; a new write of "b" still does (its own place).
        var third = queue.EnqueueAsync(Set("c"), default).AsTask();
        await queue.EnqueueAsync(Set("b"), default);
        Assert.False(third.IsCompleted);
        Assert.Equal(2, queue.Count);

        _release.Release();
        await third.WaitAsync(Patience);
        Assert.InRange(queue.Count, 1, 2);
        await ReleaseAllAsync(queue);
        Assert.Equal(["set a", "set b", "set c"], _batches.SelectMany(b => b)); // b and c in one batch or two
    }

    [Fact]
    public async Task The_bytes_bound_holds_too_and_an_entry_larger_than_it_is_still_admitted_into_an_empty_queue()
    {
        var queue = Queue(maxBytes: 4096);
        await queue.EnqueueAsync(Set("huge", bodyBytes: 10_000), default); // larger than the bound, but the queue is empty
        Assert.True(await _entered.WaitAsync(Patience));

        var next = queue.EnqueueAsync(Set("small", bodyBytes: 100), default).AsTask();
        Assert.False(next.IsCompleted);
        _release.Release();
        await next.WaitAsync(Patience);
        await ReleaseAllAsync(queue);
        Assert.Equal(["set huge", "set small"], _batches.Select(b => string.Join(",", b)));
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_for_room_gets_its_cancellation_and_its_write_is_not_queued()
    {
        var queue = Queue(maxCount: 1);
        await queue.EnqueueAsync(Set("a"), default);
        Assert.True(await _entered.WaitAsync(Patience));
        using var cancel = new CancellationTokenSource();
        var waiting = queue.EnqueueAsync(Set("b"), cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        await ReleaseAllAsync(queue);
        Assert.Equal(["set a"], _batches.Select(b => string.Join(",", b)));
    }

    [Fact]
    public async Task A_flush_completes_once_what_was_queued_before_it_is_made_and_at_once_when_nothing_is()
    {
        var queue = Queue();
        await queue.FlushAsync(default).WaitAsync(Patience);

        await queue.EnqueueAsync(Set("a"), default);
        Assert.True(await _entered.WaitAsync(Patience));
        await queue.EnqueueAsync(Set("b"), default);
        var flush = queue.FlushAsync(default);
        _release.Release();
        Assert.True(await _entered.WaitAsync(Patience)); // "a" is done, "b" is in the writer's hands
        Assert.False(flush.IsCompleted);
        _release.Release();
        await flush.WaitAsync(Patience);
        Assert.Null(queue.Find("b"));
    }

    [Fact]
    public async Task A_batch_that_throws_is_reported_and_the_writer_goes_on()
    {
        var failures = new ConcurrentQueue<Exception>();
        var queue = new SqliteWriteQueue(1 << 20, 100, 1 << 20, batch =>
        {
            if (batch.Any(w => w.Key == "bad"))
            {
                throw new InvalidCastException("unexpected");
            }

            _batches.Enqueue(Describe(batch));
        }, failures.Enqueue);

        await queue.EnqueueAsync(Set("bad"), default);
        await queue.FlushAsync(default).WaitAsync(Patience);
        await queue.EnqueueAsync(Set("good"), default);
        await queue.FlushAsync(default).WaitAsync(Patience);

        Assert.IsType<InvalidCastException>(Assert.Single(failures));
        Assert.Equal(["set good"], _batches.Select(b => string.Join(",", b)));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_write_of_a_response_asked_for_before_a_queued_removal_loses_to_it_and_a_later_one_wins()
    {
        var queue = Queue();
        await queue.EnqueueAsync(Set("other"), default);
        Assert.True(await _entered.WaitAsync(Patience));

        // The removal (an invalidation) came after the response's request: the late write of that response is dropped.
        await queue.EnqueueAsync(Removal("k", Later), default);
        await queue.EnqueueAsync(Set("k", at: Now), default);
        Assert.Null(queue.Find("k")!.Entries);

        // A response asked for after the removal replaces it.
        await queue.EnqueueAsync(Set("k", at: Now.AddSeconds(2)), default);
        Assert.NotNull(queue.Find("k")!.Entries);

        await ReleaseAllAsync(queue);
        Assert.Equal(["set other", "set k"], _batches.Select(b => string.Join(",", b)));
    }

    [Fact]
    public async Task A_batch_takes_at_most_its_bytes_and_an_operation_larger_than_them_goes_alone()
    {
        var queue = Queue(batchBytes: 3000);
        await queue.EnqueueAsync(Set("first"), default);
        Assert.True(await _entered.WaitAsync(Patience));
        foreach (var (key, bytes) in new[] { ("a", 1000), ("b", 1000), ("c", 5000), ("d", 100) })
        {
            await queue.EnqueueAsync(Set(key, bodyBytes: bytes), default);
        }

        await ReleaseAllAsync(queue);
        Assert.Equal(["set first", "set a,set b", "set c", "set d"], _batches.Select(b => string.Join(",", b)));
    }

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly long Later = Now.AddSeconds(1).UtcTicks;

    private static SqlitePendingWrite Removal(string key, long ticks) => SqlitePendingWrite.Removal(key, ticks);

    private static SqlitePendingWrite Set(string key, int bodyBytes = 10, DateTimeOffset? at = null)
    {
        var now = at ?? Now;
        HttpCacheEntry entry = Entry(now, bodyBytes);
        var variant = EncodedVariant.Of(entry);
        return SqlitePendingWrite.Write(key, [variant], [entry], null, now.UtcTicks, variant.Size);
    }

    private static string[] Describe(IReadOnlyList<SqlitePendingWrite> batch) =>
        batch.Select(w => (w.Variants is null ? "remove " : "set ") + w.Key).ToArray();

    /// <summary>A queue whose writer records each batch, then waits at the door until the test releases it.</summary>
    private SqliteWriteQueue Queue(long maxBytes = 1 << 20, int maxCount = 100, long batchBytes = 1 << 20) =>
        new(maxBytes, maxCount, batchBytes, batch =>
        {
            _batches.Enqueue(Describe(batch));
            _entered.Release();
            if (!_release.Wait(Patience))
            {
                throw new TimeoutException("the test never released the writer");
            }
        }, ex => throw new InvalidOperationException("unexpected writer failure", ex));

    private async Task ReleaseAllAsync(SqliteWriteQueue queue)
    {
        _release.Release(100);
        await queue.FlushAsync(default).WaitAsync(Patience);
    }
}
