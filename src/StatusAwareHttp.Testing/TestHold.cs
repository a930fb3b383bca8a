namespace StatusAwareHttp.Testing;

/// <summary>
/// A gate for <see cref="TestStep.Hold"/>: the held requests wait at the origin until <see cref="Release"/> is called
/// (or the client gives up); <see cref="WaitUntilHeldAsync"/> tells the test a request is waiting.
/// </summary>
public sealed class TestHold
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    /// <summary>Gets the number of requests held so far (released or not).</summary>
    public int Held => Volatile.Read(ref _waiting);

    /// <summary>Gets a value indicating whether <see cref="Release"/> was called.</summary>
    public bool IsReleased => _released.Task.IsCompleted;

    /// <summary>Lets every held request, and every later one, go on to its answer.</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>Waits until a request is held at the origin.</summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>A task that completes when a request is held.</returns>
    public Task WaitUntilHeldAsync(CancellationToken cancellationToken = default) => _held.Task.WaitAsync(cancellationToken);

    internal async Task WaitAsync(CancellationToken aborted)
    {
        Interlocked.Increment(ref _waiting);
        _held.TrySetResult();
        await _released.Task.WaitAsync(aborted).ConfigureAwait(false);
    }
}
