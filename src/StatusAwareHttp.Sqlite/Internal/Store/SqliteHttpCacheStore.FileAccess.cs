using Microsoft.Data.Sqlite;
using Polly.Timeout;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// Every call on the file goes through <see cref="Run{T}"/>: a session rented from the open file, the busy retry, and
/// each failure turned into the fallback (a miss, a write not made), a file moved aside or bypassed.
/// </summary>
internal sealed partial class SqliteHttpCacheStore
{
    private void Run(string operation, Action<SqliteSession> action, CancellationToken cancellationToken) =>
        Run(operation, session =>
        {
            action(session);
            return true;
        }, false, cancellationToken);

    /// <summary>
    /// Runs one call on a session of the file; every failure is handled here and gives <paramref name="fallback"/>,
    /// as does <paramref name="cancellationToken"/> (the store closing) ending a wait for another process's lock.
    /// </summary>
    private T Run<T>(string operation, Func<SqliteSession, T> action, T fallback, CancellationToken cancellationToken)
    {
        var file = Current();
        if (file is null)
        {
            return fallback;
        }

        SqliteSession? session = null;
        try
        {
            session = file.Rent();
            var result = _busy.Execute(static (state, _) => state.action(state.session), (action, session), cancellationToken);
            file.Return(session);
            return result;
        }
        catch (Exception ex) when (ex is TimeoutRejectedException || (ex is SqliteException busy && SqliteBusyRetry.IsBusy(busy)))
        {
            ReturnIfRented(file, session);
            Log.Busy(_logger, _clientName, operation);
            return fallback;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The store is closing and its time ran out.
            ReturnIfRented(file, session);
            return fallback;
        }
        catch (SqliteException ex) when (SqliteCacheFile.IsUnreadable(ex))
        {
            session?.Dispose();
            Replace(file, $"SQLite error {ex.SqliteErrorCode} on {operation}");
            return fallback;
        }
        catch (ObjectDisposedException)
        {
            // The file was closed meanwhile (moved aside, bypassed, or the store disposed).
            session?.Dispose();
            return fallback;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException or InvalidDataException)
        {
            session?.Dispose();
            Bypass(operation, ex);
            return fallback;
        }
    }

    private static void ReturnIfRented(SqliteCacheFile file, SqliteSession? session)
    {
        if (session is not null)
        {
            file.Return(session);
        }
    }

    /// <summary>The open file; opens it when there is none and the file is not bypassed, or gives <see langword="null"/>.</summary>
    private SqliteCacheFile? Current()
    {
        if (Volatile.Read(ref _file) is { } open)
        {
            return open;
        }

        lock (_lock)
        {
            if (_file is not null || _disposed || (_bypassed && _time.GetUtcNow().UtcTicks < _bypassUntilTicks))
            {
                return _file;
            }

            try
            {
                var file = SqliteCacheFile.Open(Path, _maxTotalBytes, _configure, _time, out var movedTo);
                if (movedTo is not null)
                {
                    Log.MovedAside(_logger, Path, _clientName, "it is not a readable cache file of this library (of this schema version)", movedTo);
                }

                if (_bypassed)
                {
                    _bypassed = false;
                    Log.Recovered(_logger, Path, _clientName);
                }
                else
                {
                    Log.Opened(_logger, Path, _clientName);
                }

                Volatile.Write(ref _file, file);
                return file;
            }
            catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException or ArgumentException)
            {
                BypassLocked("open", ex);
                return null;
            }
        }
    }

    /// <summary>Whether the file is bypassed after a failure (writes are not queued meanwhile).</summary>
    private bool FileBypassed() => Volatile.Read(ref _bypassed) && _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _bypassUntilTicks);

    private void Bypass(string operation, Exception ex)
    {
        lock (_lock)
        {
            BypassLocked(operation, ex);
        }
    }

    private void BypassLocked(string operation, Exception ex)
    {
        _bypassUntilTicks = SqlitePendingWrite.SaturatingAdd(_time.GetUtcNow().UtcTicks, _bypassDuration.Ticks);
        _file?.Dispose();
        Volatile.Write(ref _file, null);
        if (!_bypassed)
        {
            _bypassed = true;
            var reason = ex is SqliteException sqlite ? $"SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message}" : $"{ex.GetType().Name}: {ex.Message}";
            Log.Bypassed(_logger, ex, Path, _clientName, operation, reason, (long)_bypassDuration.TotalSeconds);
        }
    }

    /// <summary>The file turned out damaged while in use: moves it aside; the next call makes a new one.</summary>
    private void Replace(SqliteCacheFile file, string reason)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_file, file))
            {
                return;
            }

            file.Dispose();
            Volatile.Write(ref _file, null);
            try
            {
                var movedTo = SqliteCacheFile.MoveAside(Path, _time);
                Log.MovedAside(_logger, Path, _clientName, reason, movedTo);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                BypassLocked("move aside", ex);
            }
        }
    }
}
