namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>Where the cache file goes when no path is configured: the user's local application data, per app.</summary>
internal static class SqliteDefaultPath
{
    public const string FileName = "http-cache.db";

    public static string For(string? entryAssemblyName)
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root))
        {
            // No home folder (a service account, a bare container): the temp folder is still per user on most systems.
            root = System.IO.Path.GetTempPath();
        }

        var app = string.IsNullOrWhiteSpace(entryAssemblyName) ? "StatusAwareHttp" : entryAssemblyName;
        foreach (var invalid in System.IO.Path.GetInvalidFileNameChars())
        {
            app = app.Replace(invalid, '_');
        }

        return System.IO.Path.Combine(root, app, FileName);
    }
}
