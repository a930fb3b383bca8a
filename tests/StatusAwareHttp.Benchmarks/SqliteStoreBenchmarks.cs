using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace StatusAwareHttp.Benchmarks;

/// <summary>
/// The persistent SQLite store at the speed of its file, each row beside its baseline in the same run (one category
/// each): a file hit with the front off beside a bare prepared read of the same row; file hits across 10,000 keys
/// beside a file hit of one hot key; a 304 of a 64 KiB entry with 1 KiB of header fields through the file beside the
/// same 304 through the memory store; a miss that stores beside the same GET from a plain factory client.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class SqliteStoreBenchmarks
{
    /// <summary>The keys the wide row cycles through.</summary>
    public const int WideKeys = 10_000;

    private SqliteBench _bench = null!;
    private SqliteConnection _bare = null!;
    private SqliteCommand _select = null!;
    private long _next;
    private long _miss;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _bench = await SqliteBench.StartAsync(WideKeys);

        // The store's own read of the row, on a connection of its own: the key's variants, their columns and the body.
        _bare = new SqliteConnection($"Data Source={_bench.FilePath("file")};Pooling=False");
        _bare.Open();
        _select = _bare.CreateCommand();
        _select.CommandText = SqliteBench.ReadSql(_bare);
        _select.Parameters.AddWithValue("$p", "file");
        _select.Parameters.AddWithValue("$k", SqliteBench.KeyOf(_bare));
        _select.Prepare();
        if (BarePreparedRead() < SmallBodyBytes)
        {
            throw new InvalidOperationException("the bare read found no row");
        }
    }

    private const int SmallBodyBytes = 1024;

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _select.Dispose();
        _bare.Dispose();
        await _bench.DisposeAsync();
    }

    /// <summary>A prepared SELECT of the hot row (variant columns and body), read into arrays as the store must.</summary>
    [BenchmarkCategory("1 file hit"), Benchmark(Baseline = true)]
    public int BarePreparedRead()
    {
        using var reader = _select.ExecuteReader();
        var bytes = 0;
        while (reader.Read())
        {
            bytes += reader.GetFieldValue<byte[]>(4).Length + reader.GetFieldValue<byte[]>(5).Length + reader.GetFieldValue<byte[]>(7).Length;
            bytes += (int)(reader.GetInt64(2) & 1) + (int)(reader.GetInt64(3) & 1) + reader.GetInt32(1) - 200;
        }

        return bytes;
    }

    /// <summary>A fresh 1 KiB hit read from the file (front off).</summary>
    [BenchmarkCategory("1 file hit"), Benchmark]
    public Task<int> FileHit() => RequestBenchmarks.GetAsync(_bench.File, "/fresh");

    /// <summary>A file hit of one hot key (front off), in the wide file.</summary>
    [BenchmarkCategory("2 many keys"), Benchmark(Baseline = true)]
    public Task<int> WideHotKeyHit() => RequestBenchmarks.GetAsync(_bench.Wide, SqliteBench.WidePath(0));

    /// <summary>File hits across 10,000 keys (front off), each key in turn.</summary>
    [BenchmarkCategory("2 many keys"), Benchmark]
    public Task<int> WideTenThousandKeysHit() =>
        RequestBenchmarks.GetAsync(_bench.Wide, SqliteBench.WidePath((int)(Interlocked.Increment(ref _next) % WideKeys)));

    /// <summary>A 304 of the 64 KiB entry through the memory store (AddStatusHandling()).</summary>
    [BenchmarkCategory("3 revalidation"), Benchmark(Baseline = true)]
    public Task<int> MemoryStore304() => SqliteBench.GetLargeAsync(_bench.Memory);

    /// <summary>A 304 of the 64 KiB entry through the file (front off): its update is queued for the writer.</summary>
    [BenchmarkCategory("3 revalidation"), Benchmark]
    public Task<int> File304() => SqliteBench.GetLargeAsync(_bench.File);

    /// <summary>A plain factory client's GET of a new cacheable 1 KiB URI.</summary>
    [BenchmarkCategory("4 miss"), Benchmark(Baseline = true)]
    public Task<int> FactoryGet() => RequestBenchmarks.GetAsync(_bench.Factory, Unique());

    /// <summary>A miss that stores the 1 KiB response in the file (front off).</summary>
    [BenchmarkCategory("4 miss"), Benchmark]
    public Task<int> MissThatStores() => RequestBenchmarks.GetAsync(_bench.Storing, Unique());

    private string Unique() => "/fresh?m=" + Interlocked.Increment(ref _miss).ToString(CultureInfo.InvariantCulture);
}

/// <summary>The clients and files of the SQLite store's benchmarks and profile rows, against one loopback origin.</summary>
public sealed class SqliteBench : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sah-bench-store-" + Guid.NewGuid().ToString("N"));
    private BenchOrigin _origin = null!;
    private ServiceProvider _services = null!;

    private SqliteBench()
    {
    }

    public BenchOrigin Origin => _origin;

    public IServiceProvider Services => _services;

    /// <summary>Gets a plain factory client.</summary>
    public HttpClient Factory { get; private set; } = null!;

    /// <summary>Gets a client with the default memory store.</summary>
    public HttpClient Memory { get; private set; } = null!;

    /// <summary>Gets a client on file.db, front off: /fresh and /revalidate-large stored.</summary>
    public HttpClient File { get; private set; } = null!;

    /// <summary>Gets a client on wide.db, front off: 10,000 keys stored.</summary>
    public HttpClient Wide { get; private set; } = null!;

    /// <summary>Gets a client on storing.db, front off, for misses.</summary>
    public HttpClient Storing { get; private set; } = null!;

    /// <summary>The path of the 64 KiB entry with 1 KiB of fields, revalidated by each GET.</summary>
    public const string Large = "/revalidate-large";

    public static string WidePath(int i) => "/fresh?w=" + i.ToString(CultureInfo.InvariantCulture);

    public string FilePath(string name) => Path.Combine(_folder, name + ".db");

    public static async Task<SqliteBench> StartAsync(int wideKeys)
    {
        var bench = new SqliteBench();
        bench._origin = await BenchOrigin.StartAsync();
        var origin = bench._origin.BaseAddress;
        var services = new ServiceCollection();
        Add("factory");
        Add("memory").AddStatusHandling();
        foreach (var name in (string[])["file", "wide", "storing"])
        {
            Add(name).UseSqliteHttpCache(bench.FilePath(name), o => o.MemoryFrontLifetime = TimeSpan.Zero);
        }

        bench._services = services.BuildServiceProvider();
        var factory = bench._services.GetRequiredService<IHttpClientFactory>();
        bench.Factory = factory.CreateClient("factory");
        bench.Memory = factory.CreateClient("memory");
        bench.File = factory.CreateClient("file");
        bench.Wide = factory.CreateClient("wide");
        bench.Storing = factory.CreateClient("storing");

        await RequestBenchmarks.GetAsync(bench.Factory, "/nostore");
        await RequestBenchmarks.GetAsync(bench.Storing, "/fresh?m=0");
        foreach (var client in new[] { bench.Memory, bench.File })
        {
            await RequestBenchmarks.GetAsync(client, "/fresh");
            await GetLargeAsync(client);
        }

        for (var i = 0; i < wideKeys; i++)
        {
            await RequestBenchmarks.GetAsync(bench.Wide, WidePath(i));
        }

        foreach (var name in (string[])["file", "wide"])
        {
            await bench.Cache(name).FlushAsync();
        }

        var before = bench._origin.Requests;
        await RequestBenchmarks.GetAsync(bench.File, "/fresh");
        if (wideKeys > 0)
        {
            await RequestBenchmarks.GetAsync(bench.Wide, WidePath(wideKeys - 1));
        }

        if (bench._origin.Requests != before)
        {
            throw new InvalidOperationException("the entries are not served from the files");
        }

        return bench;

        IHttpClientBuilder Add(string name) =>
            services.AddHttpClient(name, c => c.BaseAddress = origin)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler())
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
    }

    /// <summary>A GET of /revalidate-large (64 KiB), its body read as a streaming app does.</summary>
    public static async Task<int> GetLargeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/revalidate-large", HttpCompletionOption.ResponseHeadersRead);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
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

        return response.IsSuccessStatusCode && length == 64 * 1024 ? length : throw new InvalidOperationException($"/revalidate-large: {(int)response.StatusCode}, {length} bytes");
    }

    /// <summary>The client's cache (flush, inspection).</summary>
    public IHttpCache Cache(string name) => _services.GetRequiredKeyedService<IHttpCache>(name);

    /// <summary>The store's read statement, for the bare read: the variants of one key with their bodies, as the schema of the file has them.</summary>
    public static string ReadSql(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'http_cache_bodies'";
        var bodies = (long)command.ExecuteScalar()! == 1;
        return bodies
            ? "SELECT v.id, v.status, v.request_time, v.response_time, v.headers, v.vary, "
                + "CASE WHEN v.apart THEN length(b.body) ELSE length(v.body) END, CASE WHEN v.apart THEN b.body ELSE v.body END "
                + "FROM http_cache_keys k JOIN http_cache_variants v ON v.key_id = k.id LEFT JOIN http_cache_bodies b ON v.apart AND b.id = v.id "
                + "WHERE k.partition = $p AND k.key = $k ORDER BY v.position"
            : "SELECT v.id, v.status, v.request_time, v.response_time, v.headers, v.vary, length(v.body), v.body "
                + "FROM http_cache_keys k JOIN http_cache_variants v ON v.key_id = k.id WHERE k.partition = $p AND k.key = $k ORDER BY v.position";
    }

    /// <summary>The key of /fresh in the file (the cache's own key text).</summary>
    public static string KeyOf(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key FROM http_cache_keys WHERE key LIKE '%/fresh' AND removed = 0";
        return (string)command.ExecuteScalar()!;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _origin.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
