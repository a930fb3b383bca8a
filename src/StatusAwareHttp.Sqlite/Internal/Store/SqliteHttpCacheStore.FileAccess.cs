using Microsoft.Data.Sqlite;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// Every call on the file goes through <see cref="Run{T}"/>: the file's circuit, a session rented from the open file,
/// the busy retry, and each failure turned into the fallback (a miss, a write not made), a file moved aside or bypassed.
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
    /// Runs one call on a session of the file, through the file's circuit (<see cref="SqliteFileCircuit"/>); every
    /// failure is handled here and gives <paramref name="fallback"/>, as does <paramref name="cancellationToken"/> (the
    /// store closing) ending a wait for another process's lock, and the circuit while it is open (the file bypassed).
    /// </summary>
    private T Run<T>(string operation, Func<SqliteSession, T> action, T fallback, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(SqliteFileCircuit.Operation, operation);
        try
        {
            return _circuit.Pipeline.Execute(static (context, state) => state.store.Attempt(state.operation, state.action, context.CancellationToken), context, (store: this, operation, action));
        }
        catch (BrokenCircuitException)
        {
            // The file is bypassed after a failure (logged when the circuit opened).
            return fallback;
        }
        catch (Exception ex) when (ex is TimeoutRejectedException || (ex is SqliteException busy && SqliteBusyRetry.IsBusy(busy)))
        {
            Log.Busy(_logger, _clientName, operation);
            return fallback;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The store is closing and its time ran out.
            return fallback;
        }
        catch (SqliteException ex) when (SqliteCacheFile.IsUnreadable(ex))
        {
            // Moved aside by the attempt; the next call makes a new file.
            return fallback;
        }
        catch (ObjectDisposedException)
        {
            // The file was closed meanwhile (moved aside, bypassed, or the store disposed).
            return fallback;
        }
        catch (Exception ex) when (SqliteFileCircuit.IsFileFailure(ex))
        {
            if (_circuit.IsClosed)
            {
                // Tried twice and failed twice, but the calls that succeeded meanwhile keep the file in use.
                Log.CallFailed(_logger, ex, Path, _clientName, operation, Reason(ex));
            }

            return fallback;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>One try of a call: the file opened when it is not, a session rented, the busy retry; the session given back or dropped.</summary>
    private T Attempt<T>(string operation, Func<SqliteSession, T> action, CancellationToken cancellationToken)
    {
        var file = Current();
        SqliteSession? session = null;
        try
        {
            session = file.Rent();
            T result;
            try
            {
                // Most calls find no lock held: one try, with no retry or timeout set up around it.
                result = action(session);
            }
            catch (SqliteException ex) when (SqliteBusyRetry.IsBusy(ex))
            {
                result = _busy.Execute(static (state, _) => state.action(state.session), (action, session), cancellationToken);
            }

            file.Return(session);
            return result;
        }
        catch (Exception ex) when (ex is TimeoutRejectedException || (ex is SqliteException busy && SqliteBusyRetry.IsBusy(busy))
            || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            ReturnIfRented(file, session);
            throw;
        }
        catch (SqliteException ex) when (SqliteCacheFile.IsUnreadable(ex))
        {
            session?.Dispose();
            Replace(file, $"SQLite error {ex.SqliteErrorCode} on {operation}");
            throw;
        }
        catch
        {
            session?.Dispose();
            throw;
        }
    }

    private static void ReturnIfRented(SqliteCacheFile file, SqliteSession? session)
    {
        if (session is not null)
        {
            file.Return(session);
        }
    }

    private static string Reason(Exception? ex) => ex switch
    {
        SqliteException sqlite => $"SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message}",
        null => "no exception",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    /// <summary>
    /// The open file; opens it when there is none. A file that cannot be opened throws (a failure the circuit counts);
    /// a disposed store throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    private SqliteCacheFile Current()
    {
        if (Volatile.Read(ref _file) is { } open)
        {
            return open;
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_file is not null)
            {
                return _file;
            }

            SqliteCacheFile file;
            string? movedTo;
            try
            {
                file = SqliteCacheFile.Open(Path, _maxTotalBytes, _configure, _time, out movedTo);
            }
            catch (SqliteException ex) when (SqliteCacheFile.IsUnreadable(ex))
            {
                // Still unreadable after it was made anew: the folder's problem, not the file's.
                throw new InvalidDataException($"The cache file cannot be made anew: SQLite error {ex.SqliteErrorCode}.", ex);
            }

            if (movedTo is not null)
            {
                Log.MovedAside(_logger, Path, _clientName, "it is not a readable cache file of this library (of this schema version)", movedTo);
            }

            Log.Opened(_logger, Path, _clientName);
            Volatile.Write(ref _file, file);
            return file;
        }
    }

    /// <summary>The circuit opened: the file is closed (the probe after the break opens it anew) and the failure logged.</summary>
    private void OnCircuitOpened(string operation, Exception? ex)
    {
        Interlocked.Exchange(ref _bypassedUntilTicks, SqlitePendingWrite.SaturatingAdd(_time.GetUtcNow().UtcTicks, _bypassDuration.Ticks));
        lock (_lock)
        {
            _file?.Dispose();
            Volatile.Write(ref _file, null);
        }

        Log.Bypassed(_logger, ex, Path, _clientName, operation, Reason(ex), (long)_bypassDuration.TotalSeconds);
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
                // Counted by the circuit as the call's failure, in place of the damaged file's error.
                throw new IOException($"The damaged cache file cannot be moved aside ({reason}).", ex);
            }
        }
    }
}
