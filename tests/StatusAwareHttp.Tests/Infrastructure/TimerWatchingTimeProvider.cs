using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer created on it (a <c>Task.Delay</c> on this provider, a
/// Polly retry wait), with its due time. A test waits for the timer a request set, then advances time exactly by
/// its due time: no sleeping, and no race between the wait being set up and the advance.
/// </summary>
public sealed class TimerWatchingTimeProvider : FakeTimeProvider
{
    private static readonly TimeSpan s_realTimeout = TimeSpan.FromSeconds(20);
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();
    private int _created;

    public TimerWatchingTimeProvider()
        : base(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Gets the number of timers created so far.</summary>
    public int TimersCreated => Volatile.Read(ref _created);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _created);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits (in real time, at most 20 s) for the next timer to be created and gives its due time.</summary>
    public async Task<TimeSpan> NextTimerAsync()
    {
        using var cts = new CancellationTokenSource(s_realTimeout);
        return await _timers.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Gets whether a timer was created and not yet taken by <see cref="NextTimerAsync"/>.</summary>
    public bool HasPendingTimer => _timers.Reader.TryPeek(out _);

    /// <summary>
    /// Runs <paramref name="task"/> to completion, advancing time by each timer's due time as soon as it is created.
    /// Returns the result and the due times that were waited out, in order.
    /// </summary>
    public async Task<(T Result, IReadOnlyList<TimeSpan> Waits)> DriveAsync<T>(Task<T> task, int maxTimers = 50)
    {
        var waits = new List<TimeSpan>();
        using var cts = new CancellationTokenSource(s_realTimeout);
        while (!task.IsCompleted)
        {
            using var read = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            var next = _timers.Reader.ReadAsync(read.Token).AsTask();
            if (await Task.WhenAny(task, next) == task)
            {
                // Leave later timers in the channel for the test (a read already satisfied is a timer the task no longer needs).
                await read.CancelAsync();
                break;
            }

            var due = await next;
            waits.Add(due);
            Assert.True(waits.Count <= maxTimers, $"more than {maxTimers} timers");
            Advance(due);
        }

        return (await task, waits);
    }
}
