using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Sqlite.Tests.Infrastructure;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Sqlite.Tests;

/// <summary>
/// A file that cannot be used never fails a request: a corrupt or foreign one is moved aside and made anew, a
/// read-only or full one is bypassed; each with a warning, the response from the origin.
/// </summary>
public sealed class SqliteFailureTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static TestClient Client(string path, Action<StatusAwareHttp.Sqlite.SqliteHttpCacheOptions>? configure = null) =>
        TestClient.Create(builder: b => b.UseSqliteHttpCache(path, o =>
        {
            o.MemoryFrontLifetime = TimeSpan.Zero;
            configure?.Invoke(o);
        }));

    private static async Task AssertServedTwiceFromTheOriginOrCacheAsync(TestClient client, LoopbackServer origin, int expectedOriginRequests)
    {
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.Client.GetAsync(origin.Url("/item"));
            Assert.Equal("v0", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(expectedOriginRequests, origin.CountFor("/item"));
    }

    [Fact]
    public async Task A_file_that_is_not_sqlite_is_moved_aside_and_a_new_one_made_with_a_warning()
    {
        var path = _folder.File();
        await File.WriteAllTextAsync(path, "this is not a database, but someone's notes that happen to sit here");
        await using var origin = await SqliteOrigin.StartAsync();
        await using var client = Client(path);

        // The new file works: the second request is a hit.
        await AssertServedTwiceFromTheOriginOrCacheAsync(client, origin, expectedOriginRequests: 1);
        var warning = Assert.Single(client.Logs.GetSnapshot(), r => r.Id.Id == 702);
        Assert.Equal(LogLevel.Warning, warning.Level);
        var aside = MovedAside();
        Assert.StartsWith("this is not a database", await File.ReadAllTextAsync(aside), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_programs_database_is_moved_aside_not_written_into()
    {
        var path = _folder.File();
        using (var foreign = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            foreign.Open();
            using var command = foreign.CreateCommand();
            command.CommandText = "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices(total) VALUES (12.5);";
            command.ExecuteNonQuery();
        }

        await using var origin = await SqliteOrigin.StartAsync();
        await using var client = Client(path);
        await AssertServedTwiceFromTheOriginOrCacheAsync(client, origin, expectedOriginRequests: 1);
        Assert.Single(client.Logs.GetSnapshot(), r => r.Id.Id == 702 && r.Level == LogLevel.Warning);
        using var kept = new SqliteConnection($"Data Source={MovedAside()};Pooling=False;Mode=ReadOnly");
        kept.Open();
        using var read = kept.CreateCommand();
        read.CommandText = "SELECT total FROM invoices";
        Assert.Equal(12.5, (double)read.ExecuteScalar()!);
    }

    [Fact]
    public async Task A_file_damaged_while_in_use_is_moved_aside_and_made_anew()
    {
        var path = _folder.File();
        await using var origin = await SqliteOrigin.StartAsync();
        await using var client = Client(path);
        await AssertServedTwiceFromTheOriginOrCacheAsync(client, origin, expectedOriginRequests: 1);

        // Overwrite the pages after the header with garbage, behind SQLite's back.
        var store = (StatusAwareHttp.Sqlite.Internal.SqliteHttpCacheStore)client.Services.GetRequiredKeyedService<StatusAwareHttp.IHttpCacheStore>(TestClient.Name);
        store.Dispose();
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = 100;
            await file.WriteAsync(Enumerable.Repeat((byte)0xEE, (int)file.Length - 100).ToArray());
        }

        await using var next = Client(path);
        await AssertServedTwiceFromTheOriginOrCacheAsync(next, origin, expectedOriginRequests: 2);
        Assert.Contains(next.Logs.GetSnapshot(), r => r.Id.Id == 702 && r.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task A_folder_that_cannot_be_made_bypasses_the_file_and_requests_go_to_the_origin()
    {
        // The folder would have to be made inside a regular file.
        var blocker = _folder.File("a-file");
        await File.WriteAllTextAsync(blocker, "x");
        await using var origin = await SqliteOrigin.StartAsync();
        await using var client = Client(Path.Combine(blocker, "cache.db"));

        await AssertServedTwiceFromTheOriginOrCacheAsync(client, origin, expectedOriginRequests: 2);
        Assert.Single(client.Logs.GetSnapshot(), r => r.Id.Id == 703 && r.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task A_bypassed_file_is_tried_again_after_BypassDuration_and_used_when_it_works()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var blocker = _folder.File("a-file");
        await File.WriteAllTextAsync(blocker, "x");
        await using var origin = await SqliteOrigin.StartAsync();
        await using var client = TestClient.Create(
            builder: b => b.UseSqliteHttpCache(Path.Combine(blocker, "cache.db"), o =>
            {
                o.MemoryFrontLifetime = TimeSpan.Zero;
                o.BypassDuration = TimeSpan.FromMinutes(1);
            }),
            time: time);
        var store = (StatusAwareHttp.Sqlite.Internal.SqliteHttpCacheStore)client.Services.GetRequiredKeyedService<StatusAwareHttp.IHttpCacheStore>(TestClient.Name);
        await AssertServedTwiceFromTheOriginOrCacheAsync(client, origin, expectedOriginRequests: 2);
        Assert.True(store.IsBypassed);

        // The folder can be made now, but the break is not over: the file is left alone.
        File.Delete(blocker);
        time.Advance(TimeSpan.FromSeconds(59));
        await AssertServedTwiceFromTheOriginOrCacheAsync(client, origin, expectedOriginRequests: 4);
        Assert.False(File.Exists(Path.Combine(blocker, "cache.db")));

        // Past it: the next call probes the file, which works; the second request is a hit from it.
        time.Advance(TimeSpan.FromSeconds(2));
        using (var response = await client.Client.GetAsync(origin.Url("/item")))
        {
            Assert.Equal("v0", await response.Content.ReadAsStringAsync());
        }

        await store.FlushAsync();
        using (var response = await client.Client.GetAsync(origin.Url("/item")))
        {
            Assert.Equal("v0", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(5, origin.CountFor("/item"));
        Assert.False(store.IsBypassed);
        var logs = client.Logs.GetSnapshot();
        Assert.Single(logs, r => r.Id.Id == 703 && r.Level == LogLevel.Warning);
        Assert.Single(logs, r => r.Id.Id == 704 && r.Level == LogLevel.Information);
    }

    [Fact]
    public async Task A_failure_that_does_not_repeat_on_the_immediate_retry_leaves_the_file_in_use()
    {
        // The first connection the store opens fails (as a passing I/O error would); the retry's works.
        var opens = 0;
        await using var origin = await SqliteOrigin.StartAsync();
        await using var client = Client(_folder.File(), o => o.ConfigureConnection = _ =>
        {
            if (Interlocked.Increment(ref opens) == 1)
            {
                throw new IOException("a passing I/O error");
            }
        });

        await AssertServedTwiceFromTheOriginOrCacheAsync(client, origin, expectedOriginRequests: 1);
        Assert.DoesNotContain(client.Logs.GetSnapshot(), r => r.Id.Id is 703 or 712);
    }

    [Fact]
    public async Task A_read_only_file_bypasses_the_store_with_a_warning_and_requests_succeed_from_the_origin()
    {
        var path = _folder.File();
        await using var origin = await SqliteOrigin.StartAsync();
        await using (var first = Client(path))
        {
            using var stored = await first.Client.GetAsync(origin.Url("/n/kept"));
        }

        MakeReadOnly(path);
        try
        {
            await using var client = Client(path);
            for (var i = 0; i < 2; i++)
            {
                using var response = await client.Client.GetAsync(origin.Url("/item"));
                Assert.Equal("v0", await response.Content.ReadAsStringAsync());
            }

            Assert.Equal(2, origin.CountFor("/item"));
            Assert.Single(client.Logs.GetSnapshot(), r => r.Id.Id == 703 && r.Level == LogLevel.Warning);
        }
        finally
        {
            MakeWritable(path);
        }
    }

    [Fact]
    public async Task A_full_disk_bypasses_the_store_with_a_warning_and_requests_succeed_from_the_origin()
    {
        // SQLite's own limit on the file's pages gives the same SQLITE_FULL a full disk gives.
        await using var origin = await SqliteOrigin.StartAsync();
        await using var client = Client(_folder.File(), o => o.ConfigureConnection = connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA max_page_count = 40";
            command.ExecuteNonQuery();
        });

        var store = (StatusAwareHttp.Sqlite.Internal.SqliteHttpCacheStore)client.Services.GetRequiredKeyedService<StatusAwareHttp.IHttpCacheStore>(TestClient.Name);
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.Client.GetAsync(origin.Url("/big"));
            Assert.Equal(SqliteOrigin.Big, await response.Content.ReadAsByteArrayAsync());

            // The write is made in the background: until it fails, this process would serve it from the queue.
            await store.FlushAsync();
        }

        Assert.Equal(3, origin.CountFor("/big"));
        var warning = Assert.Single(client.Logs.GetSnapshot(), r => r.Id.Id == 703);
        Assert.Contains("SQLite error 13", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_and_its_wal_and_shm_are_readable_by_the_current_user_only()
    {
        if (OperatingSystem.IsWindows())
        {
            // The user's profile folder keeps it private there; this is about Unix permission bits.
            return;
        }

        var path = _folder.File();
        await using var origin = await SqliteOrigin.StartAsync();
        await using var client = Client(path);
        using (var response = await client.Client.GetAsync(origin.Url("/item")))
        {
            await response.Content.ReadAsStringAsync();
        }

        foreach (var name in (string[])[path, path + "-wal", path + "-shm"])
        {
            Assert.True(File.Exists(name), name);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(name));
        }
    }

    /// <summary>The database file moved aside (its -wal and -shm went along).</summary>
    private string MovedAside() =>
        Assert.Single(Directory.GetFiles(_folder.Path, "cache.db.unusable-*"), f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal));

    /// <summary>
    /// Read-only for the current user: the permission bits for an ordinary user; for root (CI), which ignores them,
    /// the immutable attribute on the file and its folder (chattr +i).
    /// </summary>
    private void MakeReadOnly(string path)
    {
        if (Environment.UserName != "root" && !OperatingSystem.IsWindows())
        {
            foreach (var name in (string[])[path, path + "-wal", path + "-shm"])
            {
                if (File.Exists(name))
                {
                    File.SetUnixFileMode(name, UnixFileMode.UserRead);
                }
            }

            File.SetUnixFileMode(_folder.Path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            return;
        }

        Chattr("+i", path, path + "-wal", path + "-shm", _folder.Path);
    }

    private void MakeWritable(string path)
    {
        if (Environment.UserName != "root" && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_folder.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return;
        }

        Chattr("-i", path, path + "-wal", path + "-shm", _folder.Path);
    }

    private static void Chattr(string change, params string[] names)
    {
        var info = new ProcessStartInfo("chattr") { RedirectStandardError = true };
        info.ArgumentList.Add(change);
        foreach (var name in names.Where(n => File.Exists(n) || Directory.Exists(n)))
        {
            info.ArgumentList.Add(name);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"chattr {change} failed: {error}");
    }
}
