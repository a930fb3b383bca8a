using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The cache file: made readable by the current user only before SQLite opens it, switched to WAL, its schema made
/// or checked (<see cref="SqliteSchema"/>: an older version brought up to this one), and a pool of open sessions. A
/// file that is not SQLite, is damaged, is another program's database or has a schema version this library cannot
/// bring up is moved aside (<see cref="MoveAside"/>) and a new one made in its place.
/// </summary>
/// <remarks>
/// Each connection waits <see cref="SqliteFileBounds.BusySlice"/> for a lock in SQLite itself (the store's Polly retry
/// waits the rest of <c>BusyTimeout</c>), and keeps the WAL small: SQLite checkpoints it every quarter of
/// <see cref="SqliteFileBounds.WalBytes"/> and cuts it back to that size when it starts it over
/// (<c>journal_size_limit</c>). A new file is made with <c>auto_vacuum = INCREMENTAL</c>, so free pages can be given
/// back to the file system without a <c>VACUUM</c>.
/// </remarks>
internal sealed class SqliteCacheFile : IDisposable
{
    /// <summary>Sessions kept open when idle; more are opened under load and closed when returned.</summary>
    private const int MaxIdleSessions = 8;

    private readonly string _connectionString;
    private readonly long _walBytes;
    private readonly int _autoCheckpointPages;
    private readonly Action<SqliteConnection>? _configure;
    private readonly ConcurrentBag<SqliteSession> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

    private SqliteCacheFile(string path, long maxTotalBytes, Action<SqliteConnection>? configure)
    {
        Path = path;
        _walBytes = SqliteFileBounds.WalBytes(maxTotalBytes);
        _autoCheckpointPages = SqliteFileBounds.AutoCheckpointPages(maxTotalBytes);
        _configure = configure;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,

            // The store keeps its own sessions (with their prepared statements); closing one closes the file handle.
            Pooling = false,

            // Microsoft.Data.Sqlite's own wait on a busy lock (its least, in whole seconds), for the statements that do
            // not take the write lock: reads, which WAL never makes wait but for a moment at a checkpoint or a recovery.
            DefaultTimeout = 1,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Gets a value indicating whether the WAL is past <see cref="SqliteFileBounds.WalBytes"/>: the writer then truncates it.</summary>
    public bool WalIsLarge
    {
        get
        {
            try
            {
                return new FileInfo(Path + "-wal").Length > _walBytes;
            }
            catch (IOException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Opens the file at <paramref name="path"/>, making it (0600) and its schema when missing.
    /// </summary>
    /// <param name="path">The file's full path.</param>
    /// <param name="maxTotalBytes">The store's <c>MaxTotalBytes</c>, which the WAL's bounds follow.</param>
    /// <param name="configure">Runs on each connection after the store's settings.</param>
    /// <param name="time">Names a file moved aside.</param>
    /// <param name="movedTo">Where an unusable file found there was moved, or <see langword="null"/>.</param>
    /// <exception cref="SqliteException">The file cannot be opened or written (read-only, full, no such folder).</exception>
    /// <exception cref="IOException">The file or its folder cannot be made.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or its folder cannot be made.</exception>
    public static SqliteCacheFile Open(string path, long maxTotalBytes, Action<SqliteConnection>? configure, TimeProvider time, out string? movedTo)
    {
        movedTo = null;
        for (var attempt = 0; ; attempt++)
        {
            CreatePrivate(path);
            var file = new SqliteCacheFile(path, maxTotalBytes, configure);
            string? problem;
            try
            {
                var session = file.OpenSession();
                problem = CheckSchema(session.Connection);
                if (problem is null)
                {
                    file.Return(session);
                    return file;
                }

                session.Dispose();
            }
            catch (SqliteException ex) when (IsUnreadable(ex) && attempt == 0)
            {
                problem = $"it is not a readable SQLite database ({ex.SqliteErrorCode})";
            }

            file.Dispose();
            if (attempt > 0)
            {
                throw new InvalidDataException($"The cache file '{path}' is still unusable after it was made anew: {problem}.");
            }

            movedTo = MoveAside(path, time);
        }
    }

    /// <summary>Whether <paramref name="ex"/> says the file is not a (sound) SQLite database: then it is moved aside.</summary>
    public static bool IsUnreadable(SqliteException ex) => (ex.SqliteErrorCode & 0xFF) is 11 /* CORRUPT */ or 26 /* NOTADB */;

    /// <summary>Moves the file and its WAL and shared-memory files aside, so a new one can be made; returns where it went.</summary>
    public static string MoveAside(string path, TimeProvider time)
    {
        var target = string.Create(CultureInfo.InvariantCulture, $"{path}.unusable-{time.GetUtcNow():yyyyMMddTHHmmssfff}");
        if (System.IO.File.Exists(path))
        {
            System.IO.File.Move(path, target, overwrite: true);
        }

        foreach (var suffix in (ReadOnlySpan<string>)["-wal", "-shm"])
        {
            if (System.IO.File.Exists(path + suffix))
            {
                System.IO.File.Move(path + suffix, target + suffix, overwrite: true);
            }
        }

        return target;
    }

    public SqliteSession Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            return session;
        }

        return OpenSession();
    }

    public void Return(SqliteSession session)
    {
        if (_disposed || Interlocked.Increment(ref _idleCount) > MaxIdleSessions)
        {
            if (!_disposed)
            {
                Interlocked.Decrement(ref _idleCount);
            }

            session.Dispose();
            return;
        }

        _idle.Add(session);
        if (_disposed && _idle.TryTake(out var late))
        {
            late.Dispose();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var session))
        {
            session.Dispose();
        }
    }

    private static void CreatePrivate(string path)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        // The file may hold private responses: it is made readable by its owner only before SQLite opens it (SQLite
        // gives its -wal and -shm files the database file's permissions). On Windows the user's profile folder is
        // private already.
        foreach (var name in (ReadOnlySpan<string>)[path, path + "-wal", path + "-shm"])
        {
            if (OperatingSystem.IsWindows() || System.IO.File.Exists(name))
            {
                continue;
            }

            try
            {
                using var created = new FileStream(name, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
            }
            catch (IOException) when (System.IO.File.Exists(name))
            {
                // Another process made it first, with the same permissions.
            }
        }
    }

    /// <summary>
    /// Makes the schema in a new (empty) file, brings a file of an older schema version up to this one
    /// (<see cref="SqliteSchema.StepFrom"/>), or says why an existing one is not this library's.
    /// </summary>
    private static string? CheckSchema(SqliteConnection connection)
    {
        var (applicationId, version) = ReadMarks(connection);
        if (applicationId == SqliteSchema.ApplicationId && version == SqliteSchema.Version)
        {
            return null;
        }

        if (!(applicationId == 0 && version == 0) && !IsMigrated(applicationId, version))
        {
            return $"it is another database (application id {applicationId}, version {version})";
        }

        // Empty, another program's, or an older version: decide under the write lock, since another process may be
        // making or migrating it now.
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        (applicationId, version) = ReadMarks(connection, transaction);
        if (applicationId == SqliteSchema.ApplicationId && version == SqliteSchema.Version)
        {
            return null;
        }

        if (IsMigrated(applicationId, version))
        {
            for (; version < SqliteSchema.Version; version++)
            {
                command.CommandText = SqliteSchema.StepFrom(version)!;
                command.ExecuteNonQuery();
            }

            command.CommandText = $"PRAGMA user_version = {SqliteSchema.Version};";
            command.ExecuteNonQuery();
            transaction.Commit();
            return null;
        }

        command.CommandText = "SELECT count(*) FROM sqlite_master";
        if ((long)command.ExecuteScalar()! != 0)
        {
            return "it is another program's database";
        }

        command.CommandText = SqliteSchema.Create + $"PRAGMA application_id = {SqliteSchema.ApplicationId}; PRAGMA user_version = {SqliteSchema.Version};";
        command.ExecuteNonQuery();
        transaction.Commit();
        return null;
    }

    private static bool IsMigrated(long applicationId, long version) =>
        applicationId == SqliteSchema.ApplicationId && version >= SqliteSchema.OldestMigrated && version < SqliteSchema.Version;

    private static (long ApplicationId, long Version) ReadMarks(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA application_id";
        var applicationId = (long)command.ExecuteScalar()!;
        command.CommandText = "PRAGMA user_version";
        return (applicationId, (long)command.ExecuteScalar()!);
    }

    private SqliteSession OpenSession()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using (var command = connection.CreateCommand())
            {
                // auto_vacuum first, and only on a new, empty file: it takes only there (the journal mode writes the
                // first page), and on a file that has it already, setting it again is a write that waits for the lock.
                command.CommandText = "PRAGMA page_count";
                if ((long)command.ExecuteScalar()! == 0)
                {
                    command.CommandText = "PRAGMA auto_vacuum = INCREMENTAL";
                    command.ExecuteNonQuery();
                }

                // WAL: readers never wait for the writer, and a process killed mid-write leaves the last commit.
                // NORMAL: a commit is durable once the WAL is checkpointed; a power cut may lose the last few, never tear one.
                command.CommandText = string.Create(
                    CultureInfo.InvariantCulture,
                    $"""
                    PRAGMA busy_timeout = {(int)SqliteFileBounds.BusySlice.TotalMilliseconds};
                    PRAGMA journal_mode = WAL;
                    PRAGMA synchronous = NORMAL;
                    PRAGMA journal_size_limit = {_walBytes};
                    PRAGMA wal_autocheckpoint = {_autoCheckpointPages};
                    """);
                command.ExecuteNonQuery();
            }

            _configure?.Invoke(connection);
            return new SqliteSession(connection, this);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
