using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StatusAwareHttp.Sqlite.Internal;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using static StatusAwareHttp.Sqlite.Tests.Infrastructure.StoreEntries;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// The background writer on a real file: a store's writes and removals are seen by its own reads at once and by a
/// second store on the file once written; a full queue holds the caller back; disposal writes what is queued, within
/// its bound. The test holds the file's write lock (another connection's <c>BEGIN IMMEDIATE</c>) to keep the writer
/// from writing: no timing, only the lock.
/// </summary>
public sealed class SqliteWriterTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly SqliteTestFolder _folder = new();
    // The store runs on the real clock here: its removals are ordered against the entries' request times by it.
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow.AddMinutes(-1);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Queued_writes_and_removals_are_seen_here_at_once_and_by_another_store_once_written()
    {
        using var writer = Store(_folder.File(), TimeProvider.System, o => o.BusyTimeout = TimeSpan.FromMinutes(1));
        using var other = Store(_folder.File(), TimeProvider.System);
        await writer.SetAsync("kept", [Entry(_now, 100, fill: 1)], null, default);
        await writer.FlushAsync().AsTask().WaitAsync(Patience);
        Assert.NotNull(await other.GetAsync("kept", default));

        using (WriteLock())
        {
            // The writer cannot write; the store does not wait for it.
            var set = writer.SetAsync("new", [Entry(_now, 100, fill: 2)], null, default);
            Assert.True(set.IsCompletedSuccessfully);
            await writer.SetAsync("kept", [Entry(_now, 100, fill: 3)], null, default);
            await writer.RemoveAsync("kept", default); // wins over the write queued just before it

            Assert.Equal(2, (await writer.GetAsync("new", default))![0].Body.Span[0]);
            Assert.Null(await writer.GetAsync("kept", default));
            Assert.Null(await other.GetAsync("new", default));
            Assert.Equal(1, (await other.GetAsync("kept", default))![0].Body.Span[0]);
        }

        await writer.FlushAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(2, (await other.GetAsync("new", default))![0].Body.Span[0]);
        Assert.Null(await other.GetAsync("kept", default));
        Assert.Equal(0, writer.TotalBytes() - other.TotalBytes()); // one file
    }

    [Fact]
    public async Task A_full_queue_holds_the_caller_until_the_writer_made_room_and_loses_nothing()
    {
        using var writer = Store(_folder.File(), TimeProvider.System, o =>
        {
            o.BusyTimeout = TimeSpan.FromMinutes(1);
            o.MaxPendingWrites = 1;
        });
        Assert.Null(await writer.GetAsync("open", default));

        ValueTask second;
        using (WriteLock())
        {
            await writer.SetAsync("a", [Entry(_now, 100)], null, default);
            second = writer.SetAsync("b", [Entry(_now, 100)], null, default);
            Assert.False(second.IsCompleted);
        }

        await second.AsTask().WaitAsync(Patience);
        await writer.FlushAsync().AsTask().WaitAsync(Patience);
        using var other = Store(_folder.File(), TimeProvider.System);
        Assert.NotNull(await other.GetAsync("a", default));
        Assert.NotNull(await other.GetAsync("b", default));
    }

    [Fact]
    public async Task Disposal_writes_what_is_queued()
    {
        var writer = Store(_folder.File(), TimeProvider.System);
        for (var i = 0; i < 50; i++)
        {
            await writer.SetAsync($"k{i}", [Entry(_now, 1000)], null, default);
        }

        await writer.RemoveAsync("k7", default);
        await writer.DisposeAsync();

        using var next = Store(_folder.File(), TimeProvider.System);
        for (var i = 0; i < 50; i++)
        {
            Assert.True((await next.GetAsync($"k{i}", default) is null) == (i == 7), $"k{i}");
        }
    }

    [Fact]
    public async Task Disposal_gives_up_after_FlushTimeout_with_a_warning_when_the_file_stays_locked()
    {
        var logs = new FakeLogCollector();
        var writer = Store(_folder.File(), TimeProvider.System, o =>
        {
            o.BusyTimeout = TimeSpan.FromMinutes(1);
            o.FlushTimeout = TimeSpan.FromSeconds(1);
        }, new FakeLogger(logs));
        Assert.Null(await writer.GetAsync("open", default));

        using (WriteLock())
        {
            await writer.SetAsync("k", [Entry(_now, 100)], null, default);

            // The lock outlasts the busy timeout by far; disposal returns after its own bound.
            await Task.Run(writer.Dispose).WaitAsync(Patience);
            var warning = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 711);
            Assert.Equal(LogLevel.Warning, warning.Level);
        }
    }

    [Fact]
    public async Task A_full_front_admits_the_newest_entry_by_evicting_the_least_recently_used()
    {
        using var store = Store(_folder.File(), TimeProvider.System, o =>
        {
            o.MemoryFrontLifetime = TimeSpan.FromHours(1);
            o.MemoryFrontMaxBytes = 4096;
        });
        for (var i = 0; i < 10; i++)
        {
            await store.SetAsync($"k{i}", [Entry(_now, 1000)], null, default);
        }

        await store.FlushAsync().AsTask().WaitAsync(Patience);

        // The newest came from the front (no "disk" detail); the oldest had to be read from the file.
        Assert.Null((await store.GetAsync("k9", default))![0].StoreDetail);
        Assert.Equal(SqliteHttpCacheStore.DiskDetail, (await store.GetAsync("k0", default))![0].StoreDetail);
    }

    [Fact]
    public async Task A_response_is_in_the_file_within_50_ms_of_the_end_of_its_body_without_a_flush()
    {
        await using var origin = await SqliteOrigin.StartAsync();
        await using var client = StatusAwareHttp.Tests.Infrastructure.TestClient.Create(builder: b => b.UseSqliteHttpCache(_folder.File(), o => o.MemoryFrontLifetime = TimeSpan.Zero));
        using (var opened = await client.Client.GetAsync(origin.Url("/n/open")))
        {
            await opened.Content.ReadAsStringAsync();
        }

        using var reader = new SqliteConnection($"Data Source={_folder.File()};Mode=ReadOnly;Pooling=False");
        reader.Open();
        using var find = reader.CreateCommand();
        find.CommandText = "SELECT count(*) FROM http_cache_keys WHERE key LIKE $k AND removed = 0";
        var findKey = find.Parameters.Add("$k", SqliteType.Text);
        var delays = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            using (var response = await client.Client.GetAsync(origin.Url($"/n/delay-{i}")))
            {
                await response.Content.ReadAsStringAsync();
            }

            // From the end of the body (the store has the entry then): polled on another connection, no flush.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            findKey.Value = $"%/n/delay-{i}";
            while ((long)find.ExecuteScalar()! == 0)
            {
                Assert.True(clock.Elapsed < Patience, $"delay-{i} never reached the file");
                await Task.Delay(1);
            }

            delays.Add(clock.Elapsed.TotalMilliseconds);
        }

        delays.Sort();
        Assert.True(delays[delays.Count / 2] <= 50, $"median {delays[delays.Count / 2]:0.0} ms of [{string.Join(", ", delays.Select(d => d.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))}]");
    }

    /// <summary>Holds the file's write lock until disposed, as another process's long write would.</summary>
    private FileLock WriteLock() => new(_folder.File());

    private sealed class FileLock : IDisposable
    {
        private readonly SqliteConnection _connection;

        public FileLock(string path)
        {
            _connection = new SqliteConnection($"Data Source={path};Pooling=False");
            _connection.Open();
            using var begin = _connection.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
        }

        public void Dispose()
        {
            using var rollback = _connection.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
            _connection.Dispose();
        }
    }
}
