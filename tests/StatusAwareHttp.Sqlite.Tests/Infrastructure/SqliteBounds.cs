using StatusAwareHttp.Sqlite.Internal;

namespace StatusAwareHttp.Sqlite.Tests.Infrastructure;

/// <summary>The bounds the store states (<see cref="SqliteFileBounds"/>), as the tests hold them.</summary>
internal static class SqliteBounds
{
    public static readonly int DisposeMarginMilliseconds = (int)SqliteFileBounds.DisposeMargin.TotalMilliseconds;

    public static long MaxFileBytes(long maxTotalBytes, long maxEntryBytes) => SqliteFileBounds.MaxFileBytes(maxTotalBytes, maxEntryBytes);

    public static long RestMarginBytes(long maxTotalBytes) => SqliteFileBounds.RestMarginBytes(maxTotalBytes);
}
