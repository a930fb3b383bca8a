namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>Why a read of a key from the file gave nothing although the key has rows.</summary>
internal enum SqliteReadFault
{
    /// <summary>Nothing wrong.</summary>
    None,

    /// <summary>A row's columns cannot be read (a damaged or foreign layout).</summary>
    Unreadable,

    /// <summary>A body does not match the digest kept with it (<see cref="BodyChunks"/>): torn or changed on disk.</summary>
    DigestMismatch,
}
