using System.Collections.Concurrent;

namespace StatusAwareHttp.Tests.Caching;

/// <summary>An <see cref="IHttpCacheStore"/> over a dictionary that records every key and entry written, and can fail on demand.</summary>
internal sealed class RecordingStore : IHttpCacheStore
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<HttpCacheEntry>> _entries = new();

    public ConcurrentQueue<(string Key, IReadOnlyList<HttpCacheEntry> Entries, TimeSpan? TimeToLive)> Writes { get; } = new();

    public bool FailReads { get; set; }

    public bool FailWrites { get; set; }

    public IReadOnlyDictionary<string, IReadOnlyList<HttpCacheEntry>> Entries => _entries;

    public void Put(string key, IReadOnlyList<HttpCacheEntry> entries) => _entries[key] = entries;

    public ValueTask<IReadOnlyList<HttpCacheEntry>?> GetAsync(string key, CancellationToken cancellationToken) =>
        FailReads
            ? ValueTask.FromException<IReadOnlyList<HttpCacheEntry>?>(new InvalidOperationException("store down"))
            : new(_entries.TryGetValue(key, out var value) ? value : null);

    public async ValueTask SetAsync(string key, IReadOnlyList<HttpCacheEntry> entries, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        await Task.Yield(); // an asynchronous store, as a remote one would be
        if (FailWrites)
        {
            throw new InvalidOperationException("store down");
        }

        Writes.Enqueue((key, entries, timeToLive));
        _entries[key] = entries;
    }

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        if (FailWrites)
        {
            throw new InvalidOperationException("store down");
        }

        _entries.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }
}
