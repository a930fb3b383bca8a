namespace StatusAwareHttp.Sqlite.Tests.Infrastructure;

/// <summary>A fresh temp folder for one test's cache files, deleted afterwards.</summary>
public sealed class SqliteTestFolder : IDisposable
{
    public SqliteTestFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sah-sqlite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name = "cache.db") => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A peer process may still be closing its handle; the temp folder is cleaned eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
