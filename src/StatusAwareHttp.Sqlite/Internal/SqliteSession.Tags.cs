using Microsoft.Data.Sqlite;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The session's index of keys by tag (<c>http_cache_tags</c>, schema 5): written with a key's variants in the writer's
/// transaction, and read to find the keys of a tag (a cache group, RFC 9875; a query's URI, RFC 10008).
/// </summary>
internal sealed partial class SqliteSession
{
    /// <summary>The live keys of <paramref name="partition"/> filed under <paramref name="tag"/>.</summary>
    public List<string> KeysTagged(string partition, string tag)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT k.key FROM http_cache_tags t JOIN http_cache_keys k ON k.id = t.key_id "
            + "WHERE t.tag = $t AND k.partition = $p AND k.removed = 0";
        command.Parameters.AddWithValue("$t", tag);
        command.Parameters.AddWithValue("$p", partition);
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>Files the key <paramref name="keyId"/> under <paramref name="tags"/> (its former tags dropped when <paramref name="replace"/>).</summary>
    private void Tag(long keyId, IReadOnlyList<string> tags, bool replace)
    {
        if (replace)
        {
            using var untag = Prepare("DELETE FROM http_cache_tags WHERE key_id = $id", "$id");
            untag.Parameters[0].Value = keyId;
            untag.ExecuteNonQuery();
        }

        if (tags.Count == 0)
        {
            return;
        }

        using var insert = Prepare("INSERT OR IGNORE INTO http_cache_tags(tag, key_id) VALUES ($t, $id)", "$t", "$id");
        foreach (var tag in tags)
        {
            insert.Parameters[0].Value = tag;
            insert.Parameters[1].Value = keyId;
            insert.ExecuteNonQuery();
        }
    }
}
