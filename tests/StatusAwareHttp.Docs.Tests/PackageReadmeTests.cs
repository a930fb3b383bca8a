using System.Reflection;
using System.Text.RegularExpressions;
using StatusAwareHttp.Sqlite;
using StatusAwareHttp.Redis;
using StatusAwareHttp.Testing;

namespace StatusAwareHttp.Docs.Tests;

/// <summary>
/// The package READMEs stand alone on a package page: no link that only works inside the repository, and a row in
/// the options table for every option of the package (so that a new option is documented where NuGet readers look).
/// The repository's own pages are held to the same rows.
/// </summary>
public sealed partial class PackageReadmeTests
{
    public static TheoryData<string> Packages() => ["StatusAwareHttp", "StatusAwareHttp.Sqlite", "StatusAwareHttp.Redis", "StatusAwareHttp.Testing"];

    [Theory]
    [MemberData(nameof(Packages))]
    public void A_package_readme_links_only_to_addresses_that_work_outside_the_repository(string package)
    {
        var text = File.ReadAllText(Path.Combine(Snippet.Root, "src", package, "PACKAGE.md"));

        var relative = Link().Matches(text).Select(m => m.Groups[1].Value).Where(target => !target.StartsWith("https://", StringComparison.Ordinal)).ToList();

        Assert.True(relative.Count == 0, $"{package}/PACKAGE.md links to {string.Join(", ", relative)}");
        Assert.Contains("dotnet add package " + package, text, StringComparison.Ordinal);
        Assert.Contains("```csharp", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("src/StatusAwareHttp/PACKAGE.md")]
    [InlineData("README.md")]
    public void Every_status_handling_option_has_a_row(string page) =>
        AssertRows(page, Options(typeof(StatusHandlingOptions), prefix: null));

    [Theory]
    [InlineData("src/StatusAwareHttp/PACKAGE.md")]
    [InlineData("docs/stores.md")]
    public void Every_distributed_store_option_has_a_row(string page) =>
        AssertRows(page, Options(typeof(DistributedHttpCacheOptions), prefix: null));

    [Theory]
    [InlineData("src/StatusAwareHttp.Sqlite/PACKAGE.md")]
    [InlineData("docs/persistent-cache.md")]
    public void Every_sqlite_store_option_has_a_row(string page) =>
        AssertRows(page, Options(typeof(SqliteHttpCacheOptions), prefix: null));

    [Theory]
    [InlineData("src/StatusAwareHttp.Redis/PACKAGE.md")]
    [InlineData("docs/farm.md")]
    public void Every_redis_coordination_option_has_a_row(string page) =>
        AssertRows(page, Options(typeof(RedisCoordinationOptions), prefix: null));

    [Theory]
    [InlineData("src/StatusAwareHttp.Testing/PACKAGE.md")]
    [InlineData("docs/testing.md")]
    public void Every_test_representation_setting_has_a_row(string page) =>
        AssertRows(page, Options(typeof(TestRepresentation), prefix: null));

    [Theory]
    [InlineData("src/StatusAwareHttp.Testing/PACKAGE.md")]
    [InlineData("docs/testing.md")]
    public void Every_har_recorder_option_has_a_row(string page) =>
        AssertRows(page, Options(typeof(HarRecorderOptions), prefix: null), least: 3);

    private static void AssertRows(string page, IEnumerable<string> options, int least = 5)
    {
        var names = options.ToList();
        Assert.True(names.Count >= least, $"only {names.Count} options found: {string.Join(", ", names)}");
        var text = File.ReadAllText(Path.Combine(Snippet.Root, page));
        var missing = names.Where(o => !text.Contains($"| `{o}` |", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"{page} has no options-table row for {string.Join(", ", missing)}");
    }

    /// <summary>
    /// The public settable options of a type, by their documented names: the properties of the nested option groups
    /// of <see cref="StatusHandlingOptions"/> as <c>Group.Name</c>.
    /// </summary>
    private static IEnumerable<string> Options(Type type, string? prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = prefix is null ? property.Name : prefix + "." + property.Name;
            if (type == typeof(StatusHandlingOptions) && property.PropertyType.Namespace?.StartsWith("StatusAwareHttp", StringComparison.Ordinal) == true && property.PropertyType.IsClass)
            {
                foreach (var inner in Options(property.PropertyType, name))
                {
                    yield return inner;
                }
            }
            else if (property.SetMethod?.IsPublic == true || property.PropertyType.IsAssignableTo(typeof(System.Collections.IEnumerable)) && property.PropertyType != typeof(string))
            {
                yield return name;
            }
        }
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
