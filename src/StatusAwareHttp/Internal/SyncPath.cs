namespace StatusAwareHttp.Internal;

/// <summary>
/// The synchronous <c>Send</c> of every handler runs the same code as <c>SendAsync</c> (one core method with an
/// <c>async</c> flag, as System.Net.Http does): with the flag off, each call below is synchronous, so the core's task
/// has completed when it returns. What cannot be synchronous (a user's async callback, a wait on the
/// <see cref="TimeProvider"/>'s timer) is waited on, blocking the calling thread as the synchronous API implies.
/// </summary>
internal static class SyncPath
{
    /// <summary>The result of a core run with <c>async: false</c> (its exception rethrown as it was).</summary>
    public static T Result<T>(Task<T> task) => task.GetAwaiter().GetResult();

    /// <summary>Waits for a task the synchronous path cannot avoid (an async user callback, a timer).</summary>
    public static void Wait(Task task) => task.GetAwaiter().GetResult();

    /// <summary>Waits for a value task the synchronous path cannot avoid.</summary>
    public static T Result<T>(ValueTask<T> task) => task.IsCompleted ? task.Result : task.AsTask().GetAwaiter().GetResult();
}
