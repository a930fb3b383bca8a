using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// The store within its bounds at all times: 64 writers store distinct responses as fast as they can while the
/// files on disk (database, WAL, shared memory) and the bytes the file accounts for are sampled every few milliseconds.
/// </summary>
[Collection(nameof(SqliteHeavyTests))]
public sealed class SqliteBoundsTests : IDisposable
{
    private const long MaxTotal = 8L * 1024 * 1024;
    private const long MaxEntry = 1024 * 1024;

    private static readonly byte[] s_body = new byte[512 * 1024];

    private readonly SqliteTestFolder _folder = new();
    private readonly ITestOutputHelper _output;

    public SqliteBoundsTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(16 * 1024, 6)] // 16 KiB to 512 KiB: entries that span many overflow pages
    [InlineData(1024, 3)] // 1 KiB to 4 KiB: many small rows, where pages and indexes weigh most
    public async Task Under_64_writers_the_entries_and_the_files_stay_within_their_bounds_and_shrink_back_at_rest(int smallest, int sizes)
    {
        var path = _folder.File();
        await using var origin = await LoopbackServer.StartAsync(app => app.MapGet("/s/{i:int}", (HttpContext c, int i) =>
        {
            c.Response.Headers.CacheControl = "max-age=600";
            return Results.Bytes(s_body.AsMemory(0, smallest << (i % sizes)), "application/octet-stream");
        }));

        var client = TestClient.Create(builder: b => b.UseSqliteHttpCache(path, o =>
        {
            o.MaxTotalBytes = MaxTotal;
            o.MaxEntryBytes = MaxEntry;
        }));
        long peakEntries = 0, peakFiles = 0, peakWal = 0, requests = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var reader = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            using var total = reader.CreateCommand();
            total.CommandText = "SELECT bytes FROM http_cache_total WHERE id = 0";
            while (!stop.IsCancellationRequested)
            {
                var (files, wal) = FileBytes(path);
                peakFiles = Math.Max(peakFiles, files);
                peakWal = Math.Max(peakWal, wal);
                try
                {
                    if (reader.State != System.Data.ConnectionState.Open && File.Exists(path))
                    {
                        reader.Open();
                    }

                    if (reader.State == System.Data.ConnectionState.Open && total.ExecuteScalar() is long bytes)
                    {
                        peakEntries = Math.Max(peakEntries, bytes);
                    }
                }
                catch (SqliteException)
                {
                    // Not made yet, or busy for a moment: the next sample reads it.
                }

                await Task.Delay(5, CancellationToken.None);
            }
        });

        var clock = Stopwatch.StartNew();
        var next = -1;
        var writers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(7))
            {
                using var response = await client.Client.GetAsync(origin.Url($"/s/{Interlocked.Increment(ref next)}"));
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
                Interlocked.Increment(ref requests);
            }
        }));
        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await sampler;
        await client.DisposeAsync();
        var (rest, restWal) = FileBytes(path);

        var figures = $"{requests} responses; entries peak {Mib(peakEntries)}, files peak {Mib(peakFiles)} (WAL {Mib(peakWal)}), at rest {Mib(rest)} (WAL {Mib(restWal)})";
        _output.WriteLine(figures);
        Assert.True(peakEntries <= MaxTotal, figures);
        Assert.True(peakFiles <= SqliteBounds.MaxFileBytes(MaxTotal, MaxEntry), figures);
        Assert.True(rest <= MaxTotal + SqliteBounds.RestMarginBytes(MaxTotal), figures);

        // Free pages can be given back without a VACUUM: the file was made so.
        using var check = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        check.Open();
        using var mode = check.CreateCommand();
        mode.CommandText = "PRAGMA auto_vacuum";
        Assert.Equal(2L, (long)mode.ExecuteScalar()!); // INCREMENTAL
    }

    private static (long Files, long Wal) FileBytes(string path)
    {
        long Size(string name)
        {
            try
            {
                return new FileInfo(name).Length;
            }
            catch (FileNotFoundException)
            {
                return 0;
            }
        }

        var wal = File.Exists(path + "-wal") ? Size(path + "-wal") : 0;
        return ((File.Exists(path) ? Size(path) : 0) + wal + (File.Exists(path + "-shm") ? Size(path + "-shm") : 0), wal);
    }

    private static string Mib(long bytes) => $"{bytes / 1048576.0:0.0} MiB";
}

/// <summary>The tests that load the machine (many writers, several processes): run alone, not beside the others.</summary>
[CollectionDefinition(nameof(SqliteHeavyTests), DisableParallelization = true)]
public sealed class SqliteHeavyTests;
