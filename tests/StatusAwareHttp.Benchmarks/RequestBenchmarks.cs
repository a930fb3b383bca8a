using BenchmarkDotNet.Attributes;

namespace StatusAwareHttp.Benchmarks;

/// <summary>One GET at a time: the cost of each handler against bare HttpClient, and what the cache saves.</summary>
[MemoryDiagnoser]
public class RequestBenchmarks
{
    private BenchOrigin _origin = null!;
    private Clients _clients = null!;
    private long _unique;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _origin = await BenchOrigin.StartAsync();
        _clients = new Clients(_origin.BaseAddress);

        // Warm every path once: connections open, the fresh entry, the 301 and the revalidated entry stored.
        await GetAsync(_clients.Bare, "/nostore");
        await GetAsync(_clients.Resilience, "/nostore");
        await GetAsync(_clients.Factory, "/nostore");
        await GetAsync(_clients.Status, "/nostore");
        await GetAsync(_clients.Status, "/fresh");
        await GetAsync(_clients.Status, "/moved");
        await GetAsync(_clients.Status, "/revalidate");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _clients.DisposeAsync();
        await _origin.DisposeAsync();
    }

    /// <summary>Bare HttpClient, GET of a 1 KiB no-store body.</summary>
    [Benchmark(Baseline = true)]
    public Task<int> Bare() => GetAsync(_clients.Bare, "/nostore");

    /// <summary>The same through a plain IHttpClientFactory client (its own logging handlers, no others).</summary>
    [Benchmark]
    public Task<int> FactoryClient() => GetAsync(_clients.Factory, "/nostore");

    /// <summary>The same through AddStandardResilienceHandler().</summary>
    [Benchmark]
    public Task<int> StandardResilience() => GetAsync(_clients.Resilience, "/nostore");

    /// <summary>The same through AddStatusHandling(): every handler on the path, nothing to do.</summary>
    [Benchmark]
    public Task<int> StatusPassThrough() => GetAsync(_clients.Status, "/nostore");

    /// <summary>A cacheable 1 KiB body at a new URI each time: a miss that stores.</summary>
    [Benchmark]
    public Task<int> StatusMissThatStores() => GetAsync(_clients.Status, "/fresh?i=" + Interlocked.Increment(ref _unique));

    /// <summary>Bare HttpClient on the same cacheable resource (the comparison for the miss).</summary>
    [Benchmark]
    public Task<int> BareCacheable() => GetAsync(_clients.Bare, "/fresh?i=" + Interlocked.Increment(ref _unique));

    /// <summary>A fresh 1 KiB hit from the memory cache: no round trip.</summary>
    [Benchmark]
    public Task<int> StatusFreshHit() => GetAsync(_clients.Status, "/fresh");

    /// <summary>A stored entry revalidated with If-None-Match: the origin answers 304 and the stored body is served.</summary>
    [Benchmark]
    public Task<int> StatusRevalidated304() => GetAsync(_clients.Status, "/revalidate");

    /// <summary>A cached 301 (no round trip) followed to a fresh hit.</summary>
    [Benchmark]
    public Task<int> StatusCached301ThenHit() => GetAsync(_clients.Status, "/moved");

    /// <summary>
    /// GET and read the body as an app that streams it would: headers first, then the body into a pooled buffer, so
    /// the figures hold what the client stack allocates, not a copy of the body made by the benchmark.
    /// </summary>
    internal static async Task<int> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(4096);
        var length = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                length += read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        if (!response.IsSuccessStatusCode || length != BenchOrigin.SmallBodyBytes)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode}, {length} bytes");
        }

        return length;
    }
}
