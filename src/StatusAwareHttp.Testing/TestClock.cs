using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace StatusAwareHttp.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports each timer made on it (a retry's wait, a <c>Retry-After</c>, a quota's
/// reset, a <c>Task.Delay</c> on this clock) with its due time, so a test advances time exactly when the client waits:
/// <see cref="DriveAsync{T}"/> runs a request to its end, advancing by each wait, and tells the waits. Share it with a
/// <see cref="TestOrigin"/> and the client.
/// </summary>
public sealed class TestClock : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();
    private int _created;

    /// <summary>Creates a clock at 2026-01-01T12:00:00Z.</summary>
    public TestClock()
        : this(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Creates a clock at <paramref name="start"/>.</summary>
    /// <param name="start">The starting time.</param>
    public TestClock(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>Gets or sets the longest real time <see cref="NextTimerAsync"/> and <see cref="DriveAsync{T}"/> wait for a timer or the task. Default: 20 seconds.</summary>
    public TimeSpan RealTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Gets the number of timers made so far.</summary>
    public int TimersCreated => Volatile.Read(ref _created);

    /// <summary>Gets a value indicating whether a timer was made and not yet taken by <see cref="NextTimerAsync"/> or <see cref="DriveAsync{T}"/>.</summary>
    public bool HasPendingTimer => _timers.Reader.TryPeek(out _);

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _created);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits (in real time, at most <see cref="RealTimeout"/>) for the next timer to be made, and gives its due time.</summary>
    /// <returns>The due time.</returns>
    /// <exception cref="TimeoutException">No timer was made within <see cref="RealTimeout"/>.</exception>
    public async Task<TimeSpan> NextTimerAsync()
    {
        using var timeout = new CancellationTokenSource(RealTimeout);
        try
        {
            return await _timers.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No timer was made on the clock within {RealTimeout}.");
        }
    }

    /// <summary>
    /// Runs <paramref name="task"/> to its end, advancing time by each timer's due time as soon as the timer is made.
    /// </summary>
    /// <typeparam name="T">The task's result.</typeparam>
    /// <param name="task">The task, such as <c>client.GetAsync(...)</c>.</param>
    /// <param name="maxTimers">The most timers to wait out before giving up. Default: 50.</param>
    /// <returns>The task's result and the waits, in order.</returns>
    /// <exception cref="TimeoutException">The task did not end, nor a timer come, within <see cref="RealTimeout"/>.</exception>
    /// <exception cref="InvalidOperationException">More than <paramref name="maxTimers"/> timers were made.</exception>
    public async Task<(T Result, IReadOnlyList<TimeSpan> Waits)> DriveAsync<T>(Task<T> task, int maxTimers = 50)
    {
        ArgumentNullException.ThrowIfNull(task);
        var waits = new List<TimeSpan>();
        using var timeout = new CancellationTokenSource(RealTimeout);
        while (!task.IsCompleted)
        {
            using var read = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var next = _timers.Reader.ReadAsync(read.Token).AsTask();
            if (await Task.WhenAny(task, next).ConfigureAwait(false) == task)
            {
                // Later timers stay for the test (a read already satisfied is a timer the task no longer needed).
                await read.CancelAsync().ConfigureAwait(false);
                break;
            }

            TimeSpan due;
            try
            {
                due = await next.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"The task neither ended nor made a timer within {RealTimeout}.");
            }

            waits.Add(due);
            if (waits.Count > maxTimers)
            {
                throw new InvalidOperationException($"More than {maxTimers} timers were made while driving the task.");
            }

            Advance(due);
        }

        return (await task.ConfigureAwait(false), waits);
    }
}
