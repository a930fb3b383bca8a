using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using StatusAwareHttp.Sqlite;
using StatusAwareHttp.Sqlite.Internal;

namespace StatusAwareHttp.Benchmarks;

/// <summary>
/// 1 MiB from the middle of a 30 MiB entry in the SQLite store, in the same run: the body read whole and sliced (as
/// every range read did before blob range reads; once with today's digest check, once as a bare blob read without
/// one, as the earlier code read it) beside the deferred body's range read (only the 17 chunks it touches, checked).
/// Run: <c>dotnet run -c Release --project tests/StatusAwareHttp.Benchmarks -- --filter '*SqliteRangeRead*'</c>.
/// </summary>
[MemoryDiagnoser]
public class SqliteRangeReadBenchmarks
{
    private const int BodyBytes = 30 * 1024 * 1024;
    private const int First = (200 * 64 * 1024) + 1000;
    private const int Count = 1024 * 1024;

    private string _folder = null!;
    private SqliteHttpCacheStore _store = null!;
    private SqliteConnection _bare = null!;
    private long _bodyRow;
    private readonly byte[] _destination = new byte[Count];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _folder = Directory.CreateTempSubdirectory("sah-range-bench-").FullName;
        var path = Path.Combine(_folder, "range.db");
        var options = new SqliteHttpCacheOptions { MemoryFrontLifetime = TimeSpan.Zero, MaxEntryBytes = 64L * 1024 * 1024 };
        _store = new SqliteHttpCacheStore("bench", path, options, TimeProvider.System, NullLogger.Instance);
        var body = new byte[BodyBytes];
        new Random(7).NextBytes(body);
        var now = DateTimeOffset.UtcNow;
        await _store.SetAsync("k", [new HttpCacheEntry(200, [new("Cache-Control", "max-age=86400"), new("ETag", "\"b\"")], body, now, now, [])], null, default);
        await _store.FlushAsync();
        _bare = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        _bare.Open();
        using var find = _bare.CreateCommand();
        find.CommandText = "SELECT id FROM http_cache_bodies";
        _bodyRow = (long)find.ExecuteScalar()!;
        if (await RangeOfDeferredBody() != Count || await WholeBodyChecked() != Count || BareWholeBlob() != Count)
        {
            throw new InvalidOperationException("the entry was not read back");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _bare.Dispose();
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The entry read and its whole body loaded (every chunk checked), then 1 MiB copied out.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> WholeBodyChecked()
    {
        var entry = (await _store.GetAsync("k", default))![0];
        entry.Body.Span.Slice(First, Count).CopyTo(_destination);
        return Count;
    }

    /// <summary>The earlier code's read: the whole body through blob I/O in 64 KiB reads, no digest, then 1 MiB copied out.</summary>
    [Benchmark]
    public int BareWholeBlob()
    {
        var body = GC.AllocateUninitializedArray<byte>(BodyBytes);
        using var blob = new SqliteBlob(_bare, "http_cache_bodies", "body", _bodyRow, readOnly: true);
        for (var offset = 0; offset < body.Length;)
        {
            offset += blob.Read(body, offset, Math.Min(64 * 1024, body.Length - offset));
        }

        body.AsSpan(First, Count).CopyTo(_destination);
        return Count;
    }

    /// <summary>The entry read with its body deferred, then only the range read (the chunks it touches, checked).</summary>
    [Benchmark]
    public async Task<int> RangeOfDeferredBody()
    {
        var entry = (await _store.GetAsync("k", default))![0];
        if (!MemoryMarshal.TryGetMemoryManager<byte, HttpCacheDeferredBody>(entry.Body, out var deferred) || !deferred.TryRead(First, _destination))
        {
            throw new InvalidOperationException("not deferred, or not read");
        }

        return Count;
    }
}
