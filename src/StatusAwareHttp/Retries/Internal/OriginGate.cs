using System.Net;

namespace StatusAwareHttp.Retries.Internal;

/// <summary>What is left of one origin's closed gate at a given time.</summary>
internal readonly record struct GateState(TimeSpan Left, bool OverCap, HttpStatusCode Status, Task Opened)
{
    public static readonly GateState Open = new(TimeSpan.Zero, false, default, Task.CompletedTask);
}

/// <summary>
/// The per-origin gates of one client: an origin that answered 503 or 429 with <c>Retry-After</c> is held until that
/// time (at most the cap) or until it answers successfully. Lives in <see cref="ClientRetryState"/>, so it outlives
/// the handlers that IHttpClientFactory rebuilds. Checking it costs one volatile read while every gate is open.
/// </summary>
internal sealed class OriginGate
{
    private readonly Lock _sync = new();
    private readonly Dictionary<Origin, Entry> _closed = [];
    private int _count;

    /// <summary>Gets a value indicating whether any origin may be held; <see langword="false"/> is the fast path.</summary>
    public bool MaybeClosed => Volatile.Read(ref _count) != 0;

    /// <summary>Holds <paramref name="uri"/>'s origin until <paramref name="until"/>; a later closing extends it.</summary>
    public void Close(Uri uri, DateTimeOffset until, bool overCap, HttpStatusCode status)
    {
        var origin = Origin.Of(uri);
        lock (_sync)
        {
            if (_closed.TryGetValue(origin, out var entry))
            {
                if (until > entry.Until)
                {
                    entry.Until = until;
                    entry.OverCap = overCap;
                    entry.Status = status;
                }

                return;
            }

            _closed[origin] = new Entry(until, overCap, status);
            Volatile.Write(ref _count, _closed.Count);
        }
    }

    /// <summary>Opens <paramref name="uri"/>'s origin (it answered again) and wakes the requests waiting for it.</summary>
    /// <returns>Whether a gate was closed.</returns>
    public bool Open(Uri uri)
    {
        Entry? entry;
        lock (_sync)
        {
            if (!_closed.Remove(Origin.Of(uri), out entry))
            {
                return false;
            }

            Volatile.Write(ref _count, _closed.Count);
        }

        entry.Opened.TrySetResult();
        return true;
    }

    /// <summary>Gets what is left of <paramref name="uri"/>'s gate at <paramref name="now"/> (forgetting it once passed).</summary>
    public GateState Check(Uri uri, DateTimeOffset now)
    {
        var origin = Origin.Of(uri);
        Entry? expired = null;
        GateState state;
        lock (_sync)
        {
            if (!_closed.TryGetValue(origin, out var entry))
            {
                return GateState.Open;
            }

            if (entry.Until <= now)
            {
                _closed.Remove(origin);
                Volatile.Write(ref _count, _closed.Count);
                expired = entry;
                state = GateState.Open;
            }
            else
            {
                state = new GateState(entry.Until - now, entry.OverCap, entry.Status, entry.Opened.Task);
            }
        }

        expired?.Opened.TrySetResult();
        return state;
    }

    /// <summary>Renders an origin for logs (scheme, host and port only).</summary>
    public static string Describe(Uri uri) => Origin.Of(uri).ToString();

    private readonly record struct Origin(string Scheme, string Host, int Port)
    {
        // RFC 6454 §4: scheme, host and port; Uri lower-cases the scheme and a registered host name.
        public static Origin Of(Uri uri) => new(uri.Scheme, uri.IdnHost, uri.Port);

        public override string ToString() => $"{Scheme}://{Host}:{Port}";
    }

    private sealed class Entry(DateTimeOffset until, bool overCap, HttpStatusCode status)
    {
        public DateTimeOffset Until { get; set; } = until;

        public bool OverCap { get; set; } = overCap;

        public HttpStatusCode Status { get; set; } = status;

        public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
