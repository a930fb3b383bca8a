using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace StatusAwareHttp.Sqlite.Internal;

/// <summary>
/// The opt-in fail-fast of <see cref="SqliteHttpCacheOptions.RequireFileAtStartUp"/>: run with the options' validation at
/// start-up, it opens the client's file as the store will (made when missing, a damaged one moved aside) and closes it.
/// </summary>
internal sealed class SqliteStartupCheck(TimeProvider time) : IValidateOptions<SqliteHttpCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteHttpCacheOptions options)
    {
        if (!options.RequireFileAtStartUp || options.Path is { } blank && blank.Trim().Length == 0)
        {
            return ValidateOptionsResult.Success; // a blank path is the range validator's to report
        }

        var path = Path.GetFullPath(options.Path ?? SqliteDefaultPath.For(System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name));
        try
        {
            using var file = SqliteCacheFile.Open(path, options.MaxTotalBytes, options.ConfigureConnection, time, out _);
            return ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            return ValidateOptionsResult.Fail(
                $"UseSqliteHttpCache() on HttpClient '{name}' requires its file at start-up (RequireFileAtStartUp), and {path} cannot be opened: {ex.Message}");
        }
    }
}
