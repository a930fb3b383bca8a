namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The cache file's schema, in one place: the tables a new file gets (<see cref="Create"/>), its version
/// (<c>PRAGMA user_version</c>), and the steps that bring a file of an older version of this library up to it
/// (<see cref="StepFrom"/>), each run once per file in the transaction that checks the version.
/// </summary>
/// <remarks>
/// To change the schema: raise <see cref="Version"/>, change <see cref="Create"/>, and add the step from the previous
/// version to <see cref="StepFrom"/> (a file is brought up one step at a time). A file whose version is older than
/// <see cref="OldestMigrated"/>, or newer than this library's, is moved aside and a new one made (it is only a cache).
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>Marks the file as this library's (<c>PRAGMA application_id</c>): "SAHC".</summary>
    public const int ApplicationId = 0x53414843;

    /// <summary>
    /// The schema's version. 2: each key carries the time that orders its writes and removals, and a removal is kept
    /// as a tombstone. 3: a body over <see cref="InlineBodyBytes"/> has a row of its own (<c>http_cache_bodies</c>,
    /// the variant's id; the variant's <c>apart</c> is 1 and its <c>body</c> empty), so a 304 that updates a variant's
    /// header fields and times rewrites its row and never that body; a smaller body stays in the variant's row (one
    /// lookup less on a read; a 304 rewrites it with the row, in the page it rewrites anyway). A key's size may change
    /// in place (a trigger keeps the total). 4: each variant keeps its body's digest (<c>digest</c>, see
    /// <see cref="BodyChunks"/>: a SHA-256 per 64 KiB chunk), checked when the body is read; a row written before has
    /// none (<c>NULL</c>) and is read unchecked. 5: the index of keys by tag (<see cref="TagIndex"/>).
    /// </summary>
    public const int Version = 5;

    /// <summary>Bodies up to this size stay in their variant's row; larger ones get a row of their own.</summary>
    public const int InlineBodyBytes = 2048;

    /// <summary>The oldest version a file is brought up from; older ones are moved aside.</summary>
    public const int OldestMigrated = 2;

    /// <summary>The schema of a new file.</summary>
    public const string Create = """
        CREATE TABLE http_cache_keys(
            id INTEGER PRIMARY KEY,
            partition TEXT NOT NULL,
            key TEXT NOT NULL,
            expires INTEGER,
            last_access INTEGER NOT NULL,
            size INTEGER NOT NULL,
            time INTEGER NOT NULL,
            removed INTEGER NOT NULL,
            UNIQUE(partition, key));
        CREATE INDEX http_cache_keys_access ON http_cache_keys(last_access, id);
        CREATE INDEX http_cache_keys_expires ON http_cache_keys(expires) WHERE expires IS NOT NULL;
        CREATE TABLE http_cache_variants(
            id INTEGER PRIMARY KEY,
            key_id INTEGER NOT NULL,
            position INTEGER NOT NULL,
            status INTEGER NOT NULL,
            request_time INTEGER NOT NULL,
            response_time INTEGER NOT NULL,
            headers BLOB NOT NULL,
            vary BLOB NOT NULL,
            body BLOB NOT NULL,
            apart INTEGER NOT NULL DEFAULT 0,
            digest BLOB);
        CREATE INDEX http_cache_variants_key ON http_cache_variants(key_id, position);
        CREATE TABLE http_cache_bodies(id INTEGER PRIMARY KEY, body BLOB NOT NULL);
        CREATE TRIGGER http_cache_variants_removed AFTER DELETE ON http_cache_variants
            BEGIN DELETE FROM http_cache_bodies WHERE id = old.id; END;
        CREATE TABLE http_cache_total(id INTEGER PRIMARY KEY CHECK (id = 0), bytes INTEGER NOT NULL);
        INSERT INTO http_cache_total(id, bytes) VALUES (0, 0);
        CREATE TRIGGER http_cache_keys_added AFTER INSERT ON http_cache_keys
            BEGIN UPDATE http_cache_total SET bytes = bytes + new.size WHERE id = 0; END;
        CREATE TRIGGER http_cache_keys_removed AFTER DELETE ON http_cache_keys
            BEGIN UPDATE http_cache_total SET bytes = bytes - old.size WHERE id = 0; END;
        CREATE TRIGGER http_cache_keys_resized AFTER UPDATE OF size ON http_cache_keys WHEN new.size <> old.size
            BEGIN UPDATE http_cache_total SET bytes = bytes + new.size - old.size WHERE id = 0; END;
        """ + TagIndex;

    /// <summary>
    /// The index of keys by tag (<see cref="IHttpCacheStoreTags"/>: a cache group of an origin, RFC 9875; the URI of a
    /// query, RFC 10008): one row per tag of a live key, replaced with the key's variants, gone with its row. Made only
    /// where missing, so a file taken back to an older version by hand (as the tests do) is brought up again.
    /// </summary>
    public const string TagIndex = """
        CREATE TABLE IF NOT EXISTS http_cache_tags(
            tag TEXT NOT NULL,
            key_id INTEGER NOT NULL,
            PRIMARY KEY(tag, key_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS http_cache_tags_key ON http_cache_tags(key_id);
        CREATE TRIGGER IF NOT EXISTS http_cache_keys_untagged AFTER DELETE ON http_cache_keys
            BEGIN DELETE FROM http_cache_tags WHERE key_id = old.id; END;
        """;

    /// <summary>The step that brings a file of <paramref name="version"/> to the next one; <see langword="null"/> when there is none.</summary>
    public static string? StepFrom(long version) => version switch
    {
        // 2 -> 3: the table of bodies kept apart; the bodies already stored stay in their rows (apart = 0) until replaced.
        2 => """
            CREATE TABLE http_cache_bodies(id INTEGER PRIMARY KEY, body BLOB NOT NULL);
            ALTER TABLE http_cache_variants ADD COLUMN apart INTEGER NOT NULL DEFAULT 0;
            CREATE TRIGGER http_cache_variants_removed AFTER DELETE ON http_cache_variants
                BEGIN DELETE FROM http_cache_bodies WHERE id = old.id; END;
            CREATE TRIGGER http_cache_keys_resized AFTER UPDATE OF size ON http_cache_keys WHEN new.size <> old.size
                BEGIN UPDATE http_cache_total SET bytes = bytes + new.size - old.size WHERE id = 0; END;
            """,
        3 => StepFrom3To4(),
        4 => StepFrom4To5(),
        _ => null,
    };

    /// <summary>
    /// 3 -> 4: the column of body digests. The rows already stored keep <c>NULL</c> there and are read unchecked until
    /// replaced; nothing is rewritten (a file of many GiB is brought up at once).
    /// </summary>
    private static string StepFrom3To4() => "ALTER TABLE http_cache_variants ADD COLUMN digest BLOB;";

    /// <summary>
    /// 4 -> 5: the index of keys by tag. Keys stored before have no tags until written again: a cache group or a
    /// query's URI removes only what was stored since (a file brought up is only a cache that misses a little more).
    /// </summary>
    private static string StepFrom4To5() => TagIndex;
}
