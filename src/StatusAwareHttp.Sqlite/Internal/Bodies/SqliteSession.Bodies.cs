using Microsoft.Data.Sqlite;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// Reads of a deferred body (<see cref="SqliteDeferredBody"/>): only the 64 KiB chunks a range touches, through SQLite's
/// incremental blob I/O, each checked against the digest read with the variant's row.
/// </summary>
internal sealed partial class SqliteSession
{
    private SqliteCommand? _bodyOf;

    /// <summary>
    /// Copies the body's bytes from <paramref name="offset"/> into <paramref name="destination"/> in one read snapshot:
    /// <see cref="SqliteReadFault.Unreadable"/> when the row is gone or holds another body (replaced meanwhile),
    /// <see cref="SqliteReadFault.DigestMismatch"/> when a chunk read does not match its digest (damaged on disk).
    /// <paramref name="bytesRead"/> counts the body bytes read from the file.
    /// </summary>
    public SqliteReadFault ReadRange(SqliteDeferredBody body, int offset, Span<byte> destination, out long bytesRead)
    {
        bytesRead = 0;
        var handle = Connection.Handle!;
        SqliteException.ThrowExceptionForRC(SQLitePCL.raw.sqlite3_exec(handle, "BEGIN"), handle);
        try
        {
            _bodyOf ??= Prepare(
                "SELECT v.digest, CASE WHEN v.apart THEN length(b.body) ELSE length(v.body) END, v.apart "
                + "FROM http_cache_variants v LEFT JOIN http_cache_bodies b ON v.apart AND b.id = v.id WHERE v.id = $id", "$id");
            _bodyOf.Parameters[0].Value = body.VariantId;
            using (var reader = _bodyOf.ExecuteReader())
            {
                // The row as it was read with the entry: the same digest (so the same body), length and place.
                if (!reader.Read() || reader.IsDBNull(0) || !reader.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(body.Digest)
                    || reader.IsDBNull(1) || reader.GetInt64(1) != body.Length || (reader.GetInt64(2) != 0) != body.Apart)
                {
                    return SqliteReadFault.Unreadable;
                }
            }

            using var blob = new SqliteBlob(Connection, body.Apart ? BodiesTable : VariantsTable, "body", body.VariantId, readOnly: true);
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BodyChunks.ChunkBytes);
            try
            {
                var end = offset + destination.Length;
                for (var chunk = offset / BodyChunks.ChunkBytes; chunk * (long)BodyChunks.ChunkBytes < end; chunk++)
                {
                    var start = chunk * BodyChunks.ChunkBytes;
                    var count = Math.Min(BodyChunks.ChunkBytes, body.Length - start);
                    blob.Position = start;
                    if (!ReadExactly(blob, buffer.AsSpan(0, count)))
                    {
                        return SqliteReadFault.DigestMismatch;
                    }

                    bytesRead += count;
                    if (!BodyChunks.Check(body.Digest, chunk, buffer.AsSpan(0, count)))
                    {
                        return SqliteReadFault.DigestMismatch;
                    }

                    // The part of this chunk the range wants.
                    var from = Math.Max(offset, start);
                    var to = Math.Min(end, start + count);
                    buffer.AsSpan(from - start, to - from).CopyTo(destination[(from - offset)..]);
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }

            return SqliteReadFault.None;
        }
        finally
        {
            Rollback();
        }
    }
}
