using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// One open connection to the cache file with its prepared statements: the rows of one key (its variants, each with its
/// body in a row of its own) read and written in one transaction, bodies over <see cref="StreamThreshold"/> through SQLite's incremental blob I/O.
/// Not thread-safe: a session serves one call at a time (the file keeps a pool of them). The writes are in
/// <c>SqliteSession.Writes.cs</c>.
/// </summary>
internal sealed partial class SqliteSession : IDisposable
{
    /// <summary>Bodies larger than this are written and read in chunks of this size, never bound as one parameter.</summary>
    public const int StreamThreshold = 64 * 1024;

    /// <summary>Checked bodies over this size are read only when used, and a range of them reads only its chunks (<see cref="SqliteDeferredBody"/>).</summary>
    public const int DeferredBodyBytes = 256 * 1024;

    /// <summary>A variant's bytes beyond its body and header text (row, index and page overhead).</summary>
    public const int RowOverhead = 128;

    private const string BodiesTable = "http_cache_bodies";
    private const string VariantsTable = "http_cache_variants";

    private readonly SqliteCommand _select;
    private readonly SqliteCommand _findKey;
    private readonly SqliteCommand _deleteKey;
    private readonly SqliteCommand _insertKey;
    private readonly SqliteCommand _insertVariant;
    private readonly SqliteCommand _insertBody;
    private readonly SqliteCommand _variantsOfKey;
    private readonly SqliteCommand _updateVariant;
    private readonly SqliteCommand _deleteVariant;
    private readonly SqliteCommand _moveVariant;
    private readonly SqliteCommand _updateKey;
    private readonly SqliteCommand _touch;
    private readonly SqliteCommand _total;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;

    public SqliteSession(SqliteConnection connection, SqliteCacheFile file)
    {
        Connection = connection;
        File = file;
        _select = Prepare(
            "SELECT v.id, v.status, v.request_time, v.response_time, v.headers, v.vary, "
            + "CASE WHEN v.apart THEN length(b.body) ELSE length(v.body) END, "
            + $"CASE WHEN v.apart THEN (CASE WHEN length(b.body) <= {StreamThreshold} THEN b.body END) "
            + $"ELSE (CASE WHEN length(v.body) <= {StreamThreshold} THEN v.body END) END, v.apart, v.digest "
            + "FROM http_cache_keys k JOIN http_cache_variants v ON v.key_id = k.id LEFT JOIN http_cache_bodies b ON v.apart AND b.id = v.id "
            + "WHERE k.partition = $p AND k.key = $k ORDER BY v.position",
            "$p", "$k");
        _findKey = Prepare("SELECT id, time, removed FROM http_cache_keys WHERE partition = $p AND key = $k", "$p", "$k");
        _deleteKey = Prepare("DELETE FROM http_cache_variants WHERE key_id = $id; DELETE FROM http_cache_keys WHERE id = $id", "$id");
        _insertKey = Prepare(
            "INSERT INTO http_cache_keys(partition, key, expires, last_access, size, time, removed) VALUES ($p, $k, $e, $a, $s, $t, $r) RETURNING id",
            "$p", "$k", "$e", "$a", "$s", "$t", "$r");
        _insertVariant = Prepare(
            "INSERT INTO http_cache_variants(key_id, position, status, request_time, response_time, headers, vary, body, apart, digest) "
            + "VALUES ($key, $pos, $st, $rq, $rs, $h, $v, $b, $a, $d) RETURNING id",
            "$key", "$pos", "$st", "$rq", "$rs", "$h", "$v", "$b", "$a", "$d");
        _insertBody = Prepare(
            "INSERT INTO http_cache_bodies(id, body) VALUES ($id, CASE WHEN $b IS NULL THEN zeroblob($n) ELSE $b END)", "$id", "$b", "$n");
        _variantsOfKey = Prepare(
            "SELECT v.id, CASE WHEN v.apart THEN length(b.body) ELSE length(v.body) END, v.position, v.apart, v.digest "
            + "FROM http_cache_variants v LEFT JOIN http_cache_bodies b ON v.apart AND b.id = v.id WHERE v.key_id = $key", "$key");
        _updateVariant = Prepare(
            "UPDATE http_cache_variants SET status = $st, request_time = $rq, response_time = $rs, headers = $h, vary = $v WHERE id = $id",
            "$id", "$st", "$rq", "$rs", "$h", "$v");
        _moveVariant = Prepare("UPDATE http_cache_variants SET position = $pos WHERE id = $id", "$id", "$pos");
        _deleteVariant = Prepare("DELETE FROM http_cache_variants WHERE id = $id", "$id");
        _updateKey = Prepare(
            "UPDATE http_cache_keys SET expires = $e, last_access = $a, size = $s, time = $t WHERE id = $id", "$id", "$e", "$a", "$s", "$t");
        _touch = Prepare(
            "UPDATE http_cache_keys SET last_access = $a WHERE partition = $p AND key = $k AND last_access < $a", "$p", "$k", "$a");
        _total = Prepare("SELECT bytes FROM http_cache_total WHERE id = 0");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
    }

    public SqliteConnection Connection { get; }

    /// <summary>Gets the file this session was opened on (a session of a file moved aside is not reused).</summary>
    public SqliteCacheFile File { get; }

    /// <summary>
    /// The variants stored under the key, most recent last, each marked with <paramref name="detail"/> (where it came
    /// from, for <c>Cache-Status</c>); <see langword="null"/> when none, or when one is unreadable (<paramref name="fault"/>
    /// says why: its columns, or a body that does not match its digest, RFC 9530's check kept on disk).
    /// </summary>
    /// <remarks>
    /// With <paramref name="deferTo"/>, a checked body over <see cref="DeferredBodyBytes"/> is not read: it is a
    /// <see cref="SqliteDeferredBody"/> that reads the chunks it is asked for when it is used.
    /// </remarks>
    public List<HttpCacheEntry>? Read(string partition, string key, string? detail, out SqliteReadFault fault, SqliteHttpCacheStore? deferTo = null)
    {
        fault = SqliteReadFault.None;
        _select.Parameters[0].Value = partition;
        _select.Parameters[1].Value = key;
        List<HttpCacheEntry>? entries = null;

        // The reader holds one read snapshot: the blobs opened while it is open are of the same rows.
        using var reader = _select.ExecuteReader();
        while (reader.Read())
        {
            if (!EntryColumns.TryReadHeaders(reader.GetFieldValue<byte[]>(4), out var headers)
                || !EntryColumns.TryReadVary(reader.GetFieldValue<byte[]>(5), out var vary)
                || reader.GetInt32(1) is < 100 or > 999)
            {
                fault = SqliteReadFault.Unreadable;
                return null;
            }

            var length = reader.GetInt64(6);
            var digest = reader.IsDBNull(9) ? null : reader.GetFieldValue<byte[]>(9);
            if (digest is not null && !BodyChunks.Fits(digest, length))
            {
                fault = SqliteReadFault.DigestMismatch;
                return null;
            }

            if (deferTo is not null && digest is not null && length > DeferredBodyBytes)
            {
                entries ??= [];
                entries.Add(Entry(reader, headers, vary, new SqliteDeferredBody(deferTo, key, reader.GetInt64(0), reader.GetInt64(8) != 0, (int)length, digest).Memory, detail));
                continue;
            }

            // A large body is read (and checked) chunk by chunk; a small one comes with the row and is checked whole.
            var body = reader.IsDBNull(7) ? ReadBlob(reader.GetInt64(0), length, reader.GetInt64(8) != 0, digest) : reader.GetFieldValue<byte[]>(7);
            if (body is null || (!reader.IsDBNull(7) && digest is not null && !BodyChunks.Check(digest, body)))
            {
                fault = SqliteReadFault.DigestMismatch;
                return null;
            }

            (entries ??= []).Add(Entry(reader, headers, vary, body, detail));
        }

        return entries;
    }

    private static HttpCacheEntry Entry(SqliteDataReader reader, KeyValuePair<string, string>[] headers, KeyValuePair<string, string?>[] vary, ReadOnlyMemory<byte> body, string? detail) =>
        new(reader.GetInt32(1), headers, body, new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero), new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero), vary)
        {
            StoreDetail = detail,
        };

    public long Total() => (long)_total.ExecuteScalar()!;

    public void Dispose()
    {
        foreach (var command in (ReadOnlySpan<SqliteCommand>)[_select, _findKey, _deleteKey, _insertKey, _insertVariant, _insertBody, _variantsOfKey, _updateVariant, _deleteVariant, _moveVariant, _updateKey, _touch, _total, _commit, _rollback])
        {
            command.Dispose();
        }

        _bodyOf?.Dispose();

        Connection.Dispose();
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private void InsertVariant(long keyId, int position, EncodedVariant variant)
    {
        var p = _insertVariant.Parameters;
        p[0].Value = keyId;
        p[1].Value = position;
        p[2].Value = variant.Entry.StatusCode;
        p[3].Value = variant.Entry.RequestTime.UtcTicks;
        p[4].Value = variant.Entry.ResponseTime.UtcTicks;
        p[5].Value = variant.Headers;
        p[6].Value = variant.Vary;
        var body = variant.Entry.Body;
        var apart = body.Length > SqliteSchema.InlineBodyBytes;
        p[7].Value = apart ? Array.Empty<byte>() : WholeArray(body);
        p[8].Value = apart ? 1 : 0;
        p[9].Value = MemoryMarshal.TryGetMemoryManager<byte, SqliteDeferredBody>(body, out var deferred) ? deferred.Digest : BodyChunks.Compute(body.Span);
        var rowId = (long)_insertVariant.ExecuteScalar()!;
        if (!apart)
        {
            return;
        }

        var streamed = body.Length > StreamThreshold;
        var b = _insertBody.Parameters;
        b[0].Value = rowId;
        b[1].Value = streamed ? DBNull.Value : WholeArray(body);
        b[2].Value = body.Length;
        _insertBody.ExecuteNonQuery();
        if (!streamed)
        {
            return;
        }

        // The row holds a zero-filled blob of the body's length; the body goes into it in chunks, in this transaction.
        using var blob = new SqliteBlob(Connection, BodiesTable, "body", rowId);
        var span = body.Span;
        for (var offset = 0; offset < span.Length; offset += StreamThreshold)
        {
            blob.Write(span.Slice(offset, Math.Min(StreamThreshold, span.Length - offset)));
        }
    }

    /// <summary>
    /// Writes a variant's row (header fields, times) over a stored one whose body it keeps; its place only when it
    /// moved (an unchanged place leaves the key's index alone).
    /// </summary>
    private void UpdateVariant(long id, int position, int storedPosition, EncodedVariant variant)
    {
        var p = _updateVariant.Parameters;
        p[0].Value = id;
        p[1].Value = variant.Entry.StatusCode;
        p[2].Value = variant.Entry.RequestTime.UtcTicks;
        p[3].Value = variant.Entry.ResponseTime.UtcTicks;
        p[4].Value = variant.Headers;
        p[5].Value = variant.Vary;
        _updateVariant.ExecuteNonQuery();
        if (position != storedPosition)
        {
            _moveVariant.Parameters[0].Value = id;
            _moveVariant.Parameters[1].Value = position;
            _moveVariant.ExecuteNonQuery();
        }
    }

    /// <summary>Whether the stored body of variant <paramref name="id"/> is byte for byte <paramref name="body"/> (read in chunks; nothing written).</summary>
    private bool BodyEquals(long id, bool apart, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return true;
        }

        using var blob = new SqliteBlob(Connection, apart ? BodiesTable : VariantsTable, "body", id, readOnly: true);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Min(StreamThreshold, body.Length));
        try
        {
            for (var offset = 0; offset < body.Length;)
            {
                var read = blob.Read(buffer, 0, Math.Min(buffer.Length, body.Length - offset));
                if (read == 0 || !body.Slice(offset, read).SequenceEqual(buffer.AsSpan(0, read)))
                {
                    return false;
                }

                offset += read;
            }

            return true;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The body read in chunks; each checked against its digest when there is one (null when one does not match).</summary>
    private byte[]? ReadBlob(long rowId, long length, bool apart, byte[]? digest)
    {
        var body = GC.AllocateUninitializedArray<byte>(checked((int)length));
        using var blob = new SqliteBlob(Connection, apart ? BodiesTable : VariantsTable, "body", rowId, readOnly: true);
        for (var offset = 0; offset < body.Length;)
        {
            var count = Math.Min(BodyChunks.ChunkBytes, body.Length - offset);
            if (!ReadExactly(blob, body.AsSpan(offset, count)))
            {
                throw new EndOfStreamException("The stored body is shorter than its length.");
            }

            if (digest is not null && !BodyChunks.Check(digest, offset / BodyChunks.ChunkBytes, body.AsSpan(offset, count)))
            {
                return null;
            }

            offset += count;
        }

        return body;
    }

    private static bool ReadExactly(SqliteBlob blob, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var read = blob.Read(destination);
            if (read == 0)
            {
                return false;
            }

            destination = destination[read..];
        }

        return true;
    }

    private static byte[] WholeArray(ReadOnlyMemory<byte> body) =>
        MemoryMarshal.TryGetArray(body, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : body.ToArray();

    /// <summary>
    /// Takes the file's write lock (<c>BEGIN IMMEDIATE</c>) through SQLite itself: a lock held by another process is a
    /// <see cref="SqliteException"/> (busy) after <see cref="SqliteFileBounds.BusySlice"/>, which the store's Polly
    /// retry handles, never Microsoft.Data.Sqlite's own wait of whole seconds.
    /// </summary>
    private void Begin()
    {
        var handle = Connection.Handle!;
        SqliteException.ThrowExceptionForRC(SQLitePCL.raw.sqlite3_exec(handle, "BEGIN IMMEDIATE"), handle);
    }

    private void Commit() => _commit.ExecuteNonQuery();

    private void Rollback()
    {
        try
        {
            _rollback.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // SQLite rolled back on its own (a full disk, an I/O error); there is nothing left to undo.
        }
    }
}
